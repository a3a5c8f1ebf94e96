// The HTML export's widget script (an IIFE that sets the global ReflowJupyterWidgets): in one script
// every widget package is evaluated at load, so the CommonJS `require` two of them use to read their
// package.json (see manager.ts) must exist first; this module is imported before the manager.
import "./exportRequire";
export * from "./manager";
