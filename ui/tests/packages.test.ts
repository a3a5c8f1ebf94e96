import { describe, expect, it } from "vitest";
import { decodeServerMessage, type ServerMessage } from "../src/protocol";
import { applyLocal, applyPackages, applyServer, initialPackages, initialState, PACKAGES_LOG_MAX, requirementName } from "../src/store";

const packages = (extra: Record<string, unknown> = {}): ServerMessage =>
  ({ type: "packages", dependencies: ["six>=1.17.0"], requires_python: ">=3.11", locked: false, env: { state: "ready", path: "/c/envs/k", python: "3.12.1" }, ...extra }) as ServerMessage;

describe("packages state", () => {
  it("starts unknown and empty", () => {
    const p = initialState().packages;
    expect(p.known).toBe(false);
    expect(p.dependencies).toEqual([]);
    expect(p.pending).toBeNull();
  });

  it("takes the server's dependencies and environment", () => {
    const s = applyServer(initialState(), packages());
    expect(s.packages.known).toBe(true);
    expect(s.packages.dependencies).toEqual(["six>=1.17.0"]);
    expect(s.packages.requiresPython).toBe(">=3.11");
    expect(s.packages.env).toEqual({ state: "ready", path: "/c/envs/k", python: "3.12.1" });
  });

  it("collects uv's lines, capped", () => {
    let p = initialPackages();
    for (let i = 0; i < PACKAGES_LOG_MAX + 5; i++) p = applyPackages(p, { type: "env_progress", line: `l${i}` });
    expect(p.log.length).toBe(PACKAGES_LOG_MAX);
    expect(p.log[p.log.length - 1]).toBe(`l${PACKAGES_LOG_MAX + 4}`);
  });

  it("env_progress inside a batch reaches the log", () => {
    const s = applyServer(initialState(), { type: "batch", events: [{ type: "env_progress", line: "Resolved 1 package" }] });
    expect(s.packages.log).toEqual(["Resolved 1 package"]);
  });

  it("a pending operation starts a fresh log and ends when the environment is no longer building", () => {
    let s = applyServer(initialState(), { type: "env_progress", line: "old" });
    s = applyLocal(s, { type: "packages_pending", what: "Adding six" });
    expect(s.packages.pending).toBe("Adding six");
    expect(s.packages.log).toEqual([]);
    s = applyServer(s, packages({ env: { state: "building" } }));
    expect(s.packages.pending).toBe("Adding six");
    s = applyServer(s, { type: "env_progress", line: "Installed 1 package" });
    s = applyServer(s, packages({ env: { state: "failed", message: "No solution found" } }));
    expect(s.packages.pending).toBeNull();
    expect(s.packages.env.message).toBe("No solution found");
    expect(s.packages.log).toEqual(["Installed 1 package"]);
  });

  it("decodes the new message types", () => {
    expect(decodeServerMessage(JSON.stringify({ type: "packages", dependencies: [], requires_python: null, locked: true, env: { state: "none" } })).ok).toBe(true);
    expect(decodeServerMessage(JSON.stringify({ type: "env_progress", line: "x" })).ok).toBe(true);
  });

  it("keeps the install hint on an error output", () => {
    let s = applyServer(initialState(), {
      type: "session", version: 1, session: "S", path: "/nb.py", name: "nb.py", mode: "auto", read_only: false,
      cells: [{ id: "a", kind: "code", code: "import yaml", options: {}, status: "idle", outputs: [], defs: [], refs: [], parents: [], children: [], errors: [] }],
      kernel: { state: "idle" }, config: {},
    } as ServerMessage);
    s = applyServer(s, {
      type: "cell_output", id: "a",
      output: { kind: "error", error: { kind: "exception", message: "ModuleNotFoundError: No module named 'yaml'", ename: "ModuleNotFoundError", cells: [], install: { package: "pyyaml", module: "yaml", cell: "a" } } },
    });
    const out = s.cells.a.outputs[0];
    expect(out.kind === "error" && out.error.install?.package).toBe("pyyaml");
  });
});

describe("requirementName", () => {
  it("strips versions, extras and markers", () => {
    expect(requirementName("six>=1.17.0")).toBe("six");
    expect(requirementName("pandas[excel] >=2; python_version > '3.9'")).toBe("pandas");
    expect(requirementName("python-dateutil")).toBe("python-dateutil");
    expect(requirementName("  ruamel.yaml==0.18")).toBe("ruamel.yaml");
  });
});
