// The exported page: the exporter inlines the widget manager's script (an IIFE built from
// manager.ts that sets the global below) only into pages that show Jupyter widgets.

import type { RenderOutputs, Sender, WidgetManagerApi } from "./hub";

type ManagerModule = { createManager(sender: () => Sender | null, renderOutputs: RenderOutputs | null): WidgetManagerApi };
export const WIDGETS_GLOBAL = "ReflowJupyterWidgets";

export function loadManager(): Promise<ManagerModule> {
  const mod = (globalThis as unknown as Record<string, ManagerModule | undefined>)[WIDGETS_GLOBAL];
  if (mod && typeof mod.createManager === "function") return Promise.resolve(mod);
  return Promise.reject(new Error("this page has no widget code (export it again with a current Reflow)"));
}
