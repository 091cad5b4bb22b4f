import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, "..", "..", "..", "..");

describe("HostPythonExecutor in a plain Node script", () => {
  it("keeps the process alive while a run is pending, even with no time limit", async () => {
    // tsx reads the root tsconfig's paths, so the child loads the packages from their sources.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "__tests__", "top-level-await-child.mts")],
      {
        cwd: repositoryRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect({ code, stdout: stdout.trim() }, stderr).toEqual({ code: 0, stdout: "result 42" });
  }, 60_000);
});
