// The classic script the page runs first (scripts/early-socket.ts builds it to an IIFE): open the
// WebSocket before the app's bundle arrives (boot/earlySocket.ts).
import { openEarlySocket } from "./earlySocket";

try {
  openEarlySocket(window);
} catch {
  /* the app opens its own */
}
