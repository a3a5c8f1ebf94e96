// Where the last export went, with "Show in folder" (issue 16 item 18). Lives in the toasts column.

import { useEffect, useState } from "preact/hooks";
import { type ExportEvent, listenExportCommands, onExport, showInFolder } from "../exporting";
import { Icon } from "./icons";

export function ExportNotice({ session }: { session: string | null }) {
  const [event, setEvent] = useState<ExportEvent | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const off = onExport((e) => {
      setEvent(e);
      setProblem(null);
    });
    const offCommands = listenExportCommands(window);
    return () => {
      off();
      offCommands();
    };
  }, []);
  if (event === null) return null;
  const close = () => setEvent(null);
  if (event.kind === "failed") {
    return (
      <div class="toast error" role="alert" data-export-notice="failed">
        <span>{event.message}</span>
        <button class="toast-x" onClick={close} aria-label="Dismiss">
          <Icon name="x" size={13} />
        </button>
      </div>
    );
  }
  const { path } = event.file;
  const reveal = () => {
    if (session === null) return;
    showInFolder(session, path).then(
      () => setProblem(null),
      (err: unknown) => setProblem(`Cannot show the folder: ${err instanceof Error ? err.message : String(err)}`),
    );
  };
  return (
    <div class="toast" role="status" data-export-notice="exported" data-path={path}>
      <span>
        Exported to <span class="export-path" title={path}>{path}</span>
        {problem !== null && `\n${problem}`}
      </span>
      {session !== null && (
        <button class="link" onClick={reveal} data-action="show-in-folder">
          Show in folder
        </button>
      )}
      <button class="toast-x" onClick={close} aria-label="Dismiss">
        <Icon name="x" size={13} />
      </button>
    </div>
  );
}
