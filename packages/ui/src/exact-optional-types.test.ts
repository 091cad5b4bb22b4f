/**
 * Users who compile with `exactOptionalPropertyTypes` can pass smol's agents and their own
 * options to AgentUI (issue #16: `name: string | undefined` was refused for `name?: string`).
 * The consumer file is compiled by the TypeScript compiler with that flag on; only its own
 * diagnostics count, as a user's would (a library's internals are its own build's business).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const repoRoot = resolve(__dirname, "../../..");
const consumer = resolve(__dirname, "__tests__/exact-optional-consumer.ts");

function compilerOptions(): ts.CompilerOptions {
  const base = ts.getParsedCommandLineOfConfigFile(
    join(repoRoot, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (!base) throw new Error("could not read the root tsconfig.json");
  return { ...base.options, exactOptionalPropertyTypes: true, noEmit: true };
}

/** The semantic diagnostics of each file, as text, compiled together with `exactOptionalPropertyTypes`. */
function diagnosticsOf(files: string[]): string[][] {
  const program = ts.createProgram(files, compilerOptions());
  return files.map((file) => {
    const source = program.getSourceFile(file);
    if (!source) throw new Error(`not compiled: ${file}`);
    return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map(
      (diagnostic) =>
        `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`,
    );
  });
}

describe("AgentUI's types under exactOptionalPropertyTypes", () => {
  it("accept CodeAgent, ToolCallingAgent and options that may be undefined", async () => {
    const folder = await mkdtemp(join(tmpdir(), "smol-ui-types-"));
    try {
      // The control proves the flag is on: this assignment is an error only under it.
      const control = join(folder, "control.ts");
      await writeFile(
        control,
        "export const value: { a?: string } = { a: undefined as string | undefined };\n",
      );
      const [consumerErrors, controlErrors] = diagnosticsOf([consumer, control]);
      expect(controlErrors).toEqual([expect.stringContaining("exactOptionalPropertyTypes")]);
      expect(consumerErrors).toEqual([]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
