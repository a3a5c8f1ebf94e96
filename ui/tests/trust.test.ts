import { describe, expect, it } from "vitest";
import type { SessionMsg } from "../src/protocol";
import { applyServer, initialState } from "../src/store";

const session: SessionMsg = { type: "session", version: 1, session: "s", path: "/nb.py", name: "nb.py", mode: "lazy", read_only: false, cells: [], kernel: "dead", config: {} };

describe("trust in the store", () => {
  it("takes the session's trust, then the server's trust updates; absent means trusted", () => {
    const preview = applyServer(initialState(), { ...session, trust: { status: "untrusted", held: [], packages: ["six"] } });
    expect(preview.trust).toEqual({ status: "untrusted", held: [], packages: ["six"] });
    const trusted = applyServer(preview, { type: "trust", trust: { status: "trusted", held: [], packages: ["six"] } });
    expect(trusted.trust?.status).toBe("trusted");
    expect(applyServer(preview, session).trust).toBeNull(); // an older server says nothing: trusted
  });
});
