// The safe-preview bar: why nothing runs, what trusting installs, and the "Trust and run" button.
// Shown while the server says the notebook is untrusted (nothing runs) or has cells changed
// outside Reflow (those wait); the server decides, this only tells the user and asks.

import { useContext } from "preact/hooks";
import type { TrustInfo } from "../protocol";
import { UiContext } from "./context";
import { Icon } from "./icons";

export function TrustBar({ trust }: { trust: TrustInfo | null }) {
  const ui = useContext(UiContext);
  if (!trust || trust.status === "trusted") return null;
  const packages = trust.packages ?? [];
  const held = trust.held ?? [];
  const why =
    trust.status === "untrusted"
      ? "Safe preview: this notebook was not created or saved by you in Reflow, so nothing runs and no packages are installed."
      : `Changed outside Reflow: ${held.map((id) => ui.label(id)).join(", ")} ${held.length === 1 ? "waits" : "wait"} for you and will not run.`;
  return (
    <div class="banner warn trust-bar" role="alert" data-trust={trust.status}>
      <Icon name="alert" size={15} />
      <span class="trust-why">{why}</span>
      {trust.status === "untrusted" && (
        <span class="trust-packages">
          {packages.length ? `Trusting installs: ${packages.join(", ")}.` : "It installs no packages."}
        </span>
      )}
      <button class="btn small primary" data-action="trust" onClick={() => ui.controller.trust()}>
        Trust and run
      </button>
    </div>
  );
}
