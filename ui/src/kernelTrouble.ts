// How long an interrupt may take before the page offers to restart the kernel (code that
// catches KeyboardInterrupt never stops). Tests shorten it with localStorage.

const GRACE_KEY = "reflow.interruptGraceMs";
const INTERRUPT_GRACE_MS = 4000;

export function interruptGraceMs(): number {
  try {
    const v = Number(localStorage.getItem(GRACE_KEY));
    return Number.isFinite(v) && v > 0 ? v : INTERRUPT_GRACE_MS;
  } catch {
    return INTERRUPT_GRACE_MS;
  }
}
