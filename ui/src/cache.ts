// Wording for the "restored from cache" badge (reflow.persistent_cache, issue 10).

/** "< 0.1 s", "0.4 s", "12 s", "2 min 5 s", "1 h 3 min": how long the cached computation took. */
export function formatSaved(seconds: number): string {
  const s = Math.max(0, Number.isFinite(seconds) ? seconds : 0);
  if (s < 0.05) return "< 0.1 s";
  if (s < 10) return `${(Math.round(s * 10) / 10).toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = Math.round(s - m * 60);
    return rest ? `${m} min ${rest} s` : `${m} min`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.round((s - h * 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}

export function cachedBadgeText(seconds: number): string {
  return `restored from cache · saved ${formatSaved(seconds)}`;
}

/** Whether a cell can have caches worth clearing (shows the toolbar's Clear cache button). */
export function mayHaveCache(code: string, cachedSeconds: number | undefined): boolean {
  return cachedSeconds !== undefined || code.includes("persistent_cache");
}
