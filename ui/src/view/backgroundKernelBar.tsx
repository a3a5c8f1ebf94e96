// A kernel started before Reflow closed (the app was killed or crashed) still runs this notebook:
// reattach to it (and see what it produced meanwhile) or stop it. The server decides what each does;
// this bar only asks. Shown while the server's `background_kernel` offer stands (pid not null).

import { useContext } from "preact/hooks";
import { UiContext } from "./context";
import { Icon } from "./icons";

export function BackgroundKernelBar({ pid, readOnly }: { pid: number | null; readOnly: boolean }) {
  const ui = useContext(UiContext);
  if (pid === null) return null;
  const send = (type: "reattach_kernel" | "stop_background_kernel") => ui.controller.transport.send({ type });
  return (
    <div class="banner warn" role="alert" data-banner="background-kernel">
      <Icon name="alert" size={15} />
      <span>
        A kernel started before Reflow closed is still running this notebook (pid {pid}). Reattach to see what it
        produced meanwhile, or stop it.
      </span>
      {!readOnly && (
        <>
          <button class="btn small primary" data-action="reattach-kernel" onClick={() => send("reattach_kernel")}>
            Reattach
          </button>
          <button class="btn small" data-action="stop-background-kernel" onClick={() => send("stop_background_kernel")}>
            Stop kernel
          </button>
        </>
      )}
    </div>
  );
}
