import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { sandboxAttacks } from "./attacks.js";
import { runIsolatedAttack } from "./isolated-attack.js";

const fakeExecutor = fileURLToPath(new URL("./__fixtures__/fake-executor.ts", import.meta.url));
const attack = sandboxAttacks().find((candidate) =>
  candidate.name.startsWith("forges a second ready message"),
);
const options = {
  additionalAuthorizedImports: [],
  timeoutSeconds: 5,
  memoryLimitMb: 128,
  maxPrintOutputsLength: 1_000,
};
const targets = {
  canaryFile: "/nonexistent/canary",
  fileSecret: "file-secret",
  environmentVariable: "NO_SUCH_VARIABLE",
  environmentSecret: "env-secret",
  forbiddenWrite: "/nonexistent/written",
  processMarker: "/nonexistent/marker",
  listenerPort: 1,
  maxPrintOutputsLength: 1_000,
};

afterEach(() => {
  delete process.env.FAKE_EXECUTOR_LEAK;
});

describe("runIsolatedAttack", () => {
  it("runs the attack and the suite's checks in a child process", async () => {
    expect(attack).toBeDefined();
    const outcome = await runIsolatedAttack(attack!, fakeExecutor, options, targets, 60_000);
    expect(outcome).toEqual({});
  }, 60_000);

  it("reports a child that runs out of heap as a failure", async () => {
    process.env.FAKE_EXECUTOR_LEAK = "1";
    const outcome = await runIsolatedAttack(attack!, fakeExecutor, options, targets, 60_000);
    expect(outcome.failure).toMatch(/the child process ended .* before reporting: .*heap/is);
  }, 60_000);
});
