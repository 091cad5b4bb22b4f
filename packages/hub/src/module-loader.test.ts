import { Tool } from "@smol/core";
import { describe, expect, it } from "vitest";
import { SerializationError } from "./errors.js";
import { evaluateModule } from "./module-loader.js";

describe("evaluateModule", () => {
  it("resolves named, default, namespace and dynamic imports through the importer", async () => {
    const requested: string[] = [];
    const importModule = async (specifier: string) => {
      requested.push(specifier);
      return { default: "the default", half: (value: number) => value / 2 };
    };
    const source = [
      'import { Tool as BaseTool } from "@smol/core";',
      'import fallback from "pkg-default";',
      'import * as maths from "pkg-namespace";',
      'import { half } from "pkg-named";',
      'const lazy = await import("pkg-dynamic");',
      "export default { isTool: typeof BaseTool.prototype.call, fallback, quarter: maths.half(half(8)), lazy: lazy.default };",
    ].join("\n");
    expect(await evaluateModule(source, "test.mjs", importModule)).toEqual({
      isTool: "function",
      fallback: "the default",
      quarter: 2,
      lazy: "the default",
    });
    // @smol/core is the caller's copy, never asked of the importer.
    expect(requested).toEqual(["pkg-default", "pkg-namespace", "pkg-named", "pkg-dynamic"]);
  });

  it("gives @smol/core's own Tool class, so that loaded tools are instances of it", async () => {
    const exported = await evaluateModule(
      'import { Tool } from "@smol/core";\nexport default Tool;\n',
      "test.mjs",
    );
    expect(exported).toBe(Tool);
  });

  it("provides the helpers esbuild writes into transpiled classes", async () => {
    const source = 'class Named { static { __name(this, "Renamed"); } }\nexport default Named.name;\n';
    expect(await evaluateModule(source, "test.mjs")).toBe("Renamed");
  });

  it("explains a name that the code neither defines nor imports", async () => {
    await expect(evaluateModule("export default helperFromElsewhere();\n", "tool.mjs")).rejects.toThrow(
      /helperFromElsewhere.*self-contained/,
    );
    await expect(evaluateModule("export default {;\n", "tool.mjs")).rejects.toThrow(SerializationError);
  });
});
