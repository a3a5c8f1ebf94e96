import { createContext } from "preact";
import type { Controller } from "../controller";

export interface Ui {
  controller: Controller;
  /** select a cell, scroll it into view and flash it */
  goto(id: string): void;
  /** "cell 3" (display position, 1-based) */
  label(id: string): string;
  /** replace session cell ids in server text with display labels */
  humanize(text: string): string;
}

export const UiContext = createContext<Ui>(null as unknown as Ui);
