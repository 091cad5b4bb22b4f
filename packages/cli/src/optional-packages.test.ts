import { MissingPackageError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { exportedClass, importOptionalPackage } from "./optional-packages.js";
import { describeError, exitCodeFor } from "./output/describe-error.js";

describe("optional packages", () => {
  it("names the missing package and how to add it, in one line with exit code 1", async () => {
    const failure = await importOptionalPackage("@smol/executor-nowhere", "--executor nowhere").catch(
      (error) => error,
    );
    expect(MissingPackageError.isInstance(failure)).toBe(true);
    expect(describeError(failure)).toBe(
      '--executor nowhere needs the package "@smol/executor-nowhere". Install it with: pnpm add @smol/executor-nowhere',
    );
    expect(exitCodeFor(failure)).toBe(1);
  });

  it("loads an installed package and checks the class it exports", async () => {
    const module = await importOptionalPackage("@smol/models-openai", "--model-type OpenAIModel");
    expect(exportedClass(module, "OpenAIModel", "@smol/models-openai").name).toBe("OpenAIModel");
    expect(() => exportedClass(module, "NoSuchModel", "@smol/models-openai")).toThrow(
      "@smol/models-openai does not export NoSuchModel",
    );
  });
});
