// The app: the widget manager is a separate chunk, fetched the first time a notebook uses widgets.
// (The HTML export's build swaps this file for loader-static.ts.)

import type { RenderOutputs, Sender, WidgetManagerApi } from "./hub";

export function loadManager(): Promise<{ createManager(sender: () => Sender | null, renderOutputs: RenderOutputs | null): WidgetManagerApi }> {
  return import("./manager");
}
