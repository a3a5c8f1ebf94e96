import { describe, expect, it } from "vitest";
import { secretAnswer } from "../src/secrets/secretDialog";
import { applyServer, initialState } from "../src/store";

describe("secrets dialog", () => {
  it("answers with the values typed and leaves empty fields out (skipped)", () => {
    expect(secretAnswer(["A_KEY", "B_KEY"], { A_KEY: "sk-1", B_KEY: "" })).toEqual({ type: "secret_answer", values: { A_KEY: "sk-1" } });
    expect(secretAnswer(["A_KEY"], { A_KEY: "sk-1", OTHER: "x" })).toEqual({ type: "secret_answer", values: { A_KEY: "sk-1" } });
    expect(secretAnswer(["A_KEY"], {})).toEqual({ type: "secret_answer", values: {} });
  });

  it("the store keeps the open request and drops it when nothing is asked any more", () => {
    const asked = applyServer(initialState(), { type: "secret_request", names: ["A_KEY"], keychain: "SecretService Keyring" });
    expect(asked.secretRequest).toEqual({ names: ["A_KEY"], keychain: "SecretService Keyring" });
    expect(applyServer(asked, { type: "secret_request", names: [], keychain: "SecretService Keyring" }).secretRequest).toBeNull();
  });
});
