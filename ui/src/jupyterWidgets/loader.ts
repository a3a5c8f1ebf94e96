// The app: the widget manager is a separate chunk, fetched the first time a notebook uses widgets.
// (The HTML export's build swaps this file for loader-static.ts.)

import type { Sender, WidgetManagerApi } from "./hub";

export function loadManager(): Promise<{ createManager(sender: () => Sender | null): WidgetManagerApi }> {
  return import("./manager");
}
