// The notebook declares secrets (`[tool.reflow] secrets`) the OS keychain does not hold: the kernel's
// start waits while this asks for them (the server's `secret_request`). Each value typed here goes in
// one `secret_answer` message to the app, which stores it in the keychain (never in a file) and gives
// it to the kernel; a field left empty is skipped. The typed values live only in this dialog's inputs
// and are cleared once sent. `names` empty (answered on another page): the dialog goes away.

import { useLayoutEffect, useRef, useState } from "preact/hooks";
import type { ClientMessage } from "../protocol";
import "./secrets.css";

interface SecretRequest {
  names: string[];
  keychain: string;
}

interface Props {
  request: SecretRequest | null;
  send(msg: ClientMessage): void;
}

/** The answer for the values typed: names with an empty field are left out (skipped). */
export function secretAnswer(names: readonly string[], typed: { [name: string]: string }): ClientMessage {
  const values: { [name: string]: string } = {};
  for (const name of names) if (typed[name]) values[name] = typed[name];
  return { type: "secret_answer", values };
}

export function SecretDialog({ request, send }: Props) {
  const form = useRef<HTMLFormElement>(null);
  const [sent, setSent] = useState<string | null>(null);
  const key = request ? request.names.join(",") : "";
  useLayoutEffect(() => {
    if (key) form.current?.querySelector("input")?.focus();
    else setSent(null); // nothing asked now: a later request shows again
  }, [key]);
  if (!request || !request.names.length || sent === key) return null;
  const answer = (skipAll: boolean) => {
    const typed: { [name: string]: string } = {};
    for (const input of Array.from(form.current?.querySelectorAll("input") ?? [])) {
      if (!skipAll) typed[input.name] = input.value;
      input.value = ""; // nothing typed stays in the page
    }
    setSent(key);
    send(secretAnswer(request.names, typed));
  };
  const plural = request.names.length > 1;
  return (
    <div class="secret-dialog banner warn" role="dialog" aria-modal="false" aria-label="Secrets for this notebook" data-dialog="secrets">
      <form
        ref={form}
        autocomplete="off"
        onSubmit={(e) => {
          e.preventDefault();
          answer(false);
        }}
      >
        <p class="secret-why">
          This notebook asks for {plural ? "secrets" : "a secret"} your keychain does not hold yet. {plural ? "They are" : "It is"} stored in{" "}
          <b>{request.keychain || "the OS keychain"}</b>, never in a file, and given to this notebook's kernel as {plural ? "environment variables" : "an environment variable"}; outputs show{" "}
          <code>••••</code> instead. The kernel starts when you answer.
        </p>
        {request.names.map((name) => (
          <label class="secret-field" key={name}>
            <span class="secret-name">{name}</span>
            <input type="password" name={name} autocomplete="new-password" spellcheck={false} data-secret={name} />
          </label>
        ))}
        <div class="secret-actions">
          <button type="submit" class="btn small primary" data-action="secret-save">
            Save to keychain and start
          </button>
          <button type="button" class="btn small" data-action="secret-skip" onClick={() => answer(true)}>
            Start without
          </button>
          <span class="secret-note">An empty field is skipped for this session.</span>
        </div>
      </form>
    </div>
  );
}
