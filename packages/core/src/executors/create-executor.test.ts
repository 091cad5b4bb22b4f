import { describe, expect, it } from "vitest";
import { MissingPackageError } from "../errors.js";
import { importOptionalPackage } from "./create-executor.js";

describe("importOptionalPackage", () => {
  it("names the package to add when it is installed nowhere", async () => {
    const failure = await importOptionalPackage("@smol/executor-nowhere", 'executorType "nowhere"').catch(
      (error: unknown) => error,
    );
    expect(MissingPackageError.isInstance(failure)).toBe(true);
    expect((failure as MissingPackageError).packageName).toBe("@smol/executor-nowhere");
    expect((failure as Error).message).toContain(
      'executorType "nowhere" needs the package "@smol/executor-nowhere"',
    );
    expect((failure as Error).message).toContain("pnpm add @smol/executor-nowhere");
  });

  it("loads a package that is installed", async () => {
    const module = await importOptionalPackage("zod", "validation");
    expect(typeof module.z).toBe("object");
  });
});
