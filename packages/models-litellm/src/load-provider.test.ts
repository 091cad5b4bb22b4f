import { MissingPackageError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { loadProviderClass, missingPackageName } from "./load-provider.js";

describe("loadProviderClass", () => {
  it("loads an installed provider's class", async () => {
    const OllamaModel = await loadProviderClass(
      { packageName: "@smol/models-ollama", className: "OllamaModel" },
      "ollama/x",
    );
    expect(OllamaModel.name).toBe("OllamaModel");
  });

  it("names a package that is not installed, with the command to add it", async () => {
    const error = await loadProviderClass(
      { packageName: "@smol/models-not-installed", className: "NotInstalledModel" },
      "nothing/model",
    ).catch((caught: unknown) => caught);
    expect(MissingPackageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ packageName: "@smol/models-not-installed" });
    expect((error as Error).message).toMatch(/pnpm add @smol\/models-not-installed/);
    expect((error as Error).message).toContain('LiteLLMModel("nothing/model")');
  });

  it("refuses a package without the expected class", async () => {
    await expect(
      loadProviderClass({ packageName: "@smol/models-ollama", className: "NoSuchModel" }, "x"),
    ).rejects.toThrow(/has no NoSuchModel/);
  });
});

describe("missingPackageName", () => {
  it("reads the package from ESM and CommonJS errors, and ignores other failures", () => {
    expect(
      missingPackageName({
        code: "ERR_MODULE_NOT_FOUND",
        message: "Cannot find package '@smol/models-hf' imported from /a.js",
      }),
    ).toBe("@smol/models-hf");
    expect(
      missingPackageName({ code: "MODULE_NOT_FOUND", message: "Cannot find module 'ollama/dist/index.cjs'" }),
    ).toBe("ollama");
    expect(
      missingPackageName({ code: "ERR_MODULE_NOT_FOUND", message: "Cannot find module '/x/dist/chunk.js'" }),
    ).toBeUndefined();
    expect(missingPackageName(new SyntaxError("Unexpected token"))).toBeUndefined();
  });
});
