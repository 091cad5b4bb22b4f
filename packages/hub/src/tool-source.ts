import { FinalAnswerTool, FunctionTool, Tool } from "@smol/core";
import { SerializationError } from "./errors.js";

/** The header of every generated module: says where it came from and what it may import. */
const HEADER =
  "// A smol tool, saved by @smol/hub. Load it with loadToolFromFolder(folder, { trustRemoteCode: true }).\n";

/**
 * The source of an ES module whose default export is the tool: `tool(definition, function)` for
 * a `tool()`, or the class followed by `new Class()` for a direct `Tool` subclass.
 *
 * Only self-contained tools can be written this way: the function or the class body may use its
 * arguments, globals and modules it imports itself (`await import("@huggingface/hub")`), not
 * variables or imports of the file that defined it. A subclass is rebuilt with `new Class()`:
 * values given to its constructor, or set on the instance afterwards, are not saved.
 *
 * @example
 * const source = toolModuleSource(modelDownloadTool);
 * await writeFile("tool.mjs", source);
 */
export function toolModuleSource(tool: Tool): string {
  if (tool instanceof FunctionTool) return functionToolSource(tool);
  if (tool instanceof FinalAnswerTool) {
    return `${HEADER}import { FinalAnswerTool } from "@smol/core";\n\nexport default new FinalAnswerTool();\n`;
  }
  return classToolSource(tool);
}

/** Packages whose tool classes are saved as an import of the package rather than as source. */
const TOOL_PACKAGES = ["@smol/tools-toolkit"];

/**
 * For a tool of a smol tool package (the toolkit's `WebSearchTool`, `VisitWebpageTool`, …): a
 * module that imports its class from the package and builds it with `new Class()`, since its
 * source uses the package's internals. Undefined for other tools. The options given to its
 * constructor are not kept, so only classes that can be built without arguments qualify.
 *
 * @example
 * await packageToolSource(new VisitWebpageTool()); // 'import { VisitWebpageTool } from "@smol/tools-toolkit"; …'
 */
export async function packageToolSource(tool: Tool): Promise<string | undefined> {
  if (tool instanceof FunctionTool || tool.constructor === FinalAnswerTool) return undefined;
  const toolClass = tool.constructor as new () => Tool;
  if (toolClass.length !== 0) return undefined;
  for (const packageName of TOOL_PACKAGES) {
    const specifier: string = packageName;
    const toolPackage = (await import(specifier).catch(() => undefined)) as
      | Record<string, unknown>
      | undefined;
    const exported = Object.entries(toolPackage ?? {}).find(([, value]) => value === toolClass)?.[0];
    if (exported) {
      return `${HEADER}import { ${exported} } from "${packageName}";\n\nexport default new ${exported}();\n`;
    }
  }
  return undefined;
}

function functionToolSource(tool: FunctionTool): string {
  const implementation = normalizeSource(Function.prototype.toString.call(tool.implementation));
  if (!/^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>)/.test(implementation)) {
    throw new SerializationError(
      `The function of tool '${tool.name}' is a method (${implementation.slice(0, 40)}…): ` +
        "give tool() an arrow function or a function expression so that it can be saved.",
    );
  }
  const definition = JSON.stringify(tool.toDict(), null, 2);
  return `${HEADER}import { tool } from "@smol/core";\n\nexport default tool(${definition}, ${implementation});\n`;
}

function classToolSource(tool: Tool): string {
  const toolClass = tool.constructor as typeof Tool & { name: string };
  if (Object.getPrototypeOf(toolClass) !== Tool) {
    throw new SerializationError(
      `Tool '${tool.name}' is an instance of ${toolClass.name}, which does not extend Tool directly: ` +
        "only direct subclasses of Tool and tool() functions can be saved.",
    );
  }
  const source = normalizeSource(Function.prototype.toString.call(toolClass));
  const header = /^class\s*([A-Za-z_$][\w$]*)?\s+extends\s+[^{]+\{/.exec(source);
  if (!header) throw new SerializationError(`The class of tool '${tool.name}' has no readable source.`);
  const className = header[1] ?? "SavedTool";
  const body = `class ${className} extends Tool {${source.slice(header[0].length)}`;
  return `${HEADER}import { Tool } from "@smol/core";\n\n${body}\n\nexport default new ${className}();\n`;
}

/**
 * Undoes what Vite's SSR transform (vitest) does to dynamic imports, so that a tool defined in a
 * test saves the same source as one defined in plain Node: `__vite_ssr_dynamic_import__(
 * "/node_modules/.pnpm/…/node_modules/@scope/name/dist/index.mjs")` becomes `import("@scope/name")`.
 */
function normalizeSource(source: string): string {
  return source.replace(
    /__vite_ssr_dynamic_import__\(\s*(["'])([^"']+)\1/g,
    (_match, _quote, specifier: string) => {
      const inNodeModules = specifier.split("/node_modules/").pop() ?? specifier;
      if (inNodeModules === specifier) return `import(${JSON.stringify(specifier)}`;
      const parts = inNodeModules.split("/");
      const packageName = parts[0]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
      return `import(${JSON.stringify(packageName)}`;
    },
  );
}
