import * as smolCore from "@smol/core";
import { SerializationError } from "./errors.js";

/** Imports a module for loaded code; by default `@smol/core` is this process's copy. */
export type ModuleImporter = (specifier: string) => Promise<unknown>;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...parameters: string[]
) => (...values: unknown[]) => Promise<unknown>;

const STATIC_IMPORT =
  /^\s*import\s+(?:(\*\s+as\s+[\w$]+)|([\w$]+)|\{([^}]*)\})\s+from\s+(["'])([^"']+)\4\s*;?/gm;

/**
 * Runs the source of a saved tool module and returns its default export.
 *
 * The module is evaluated in this process (not imported from its folder) so that its imports
 * resolve from the loading program, wherever the folder is: `@smol/core` is the copy the caller
 * uses (so that `instanceof Tool` holds), other packages come from `importModule`. Static
 * imports (named, default, namespace), dynamic `import()` and one `export default` are
 * supported, which is what `toolModuleSource` writes.
 *
 * This runs arbitrary code with the rights of the process: callers check `trustRemoteCode`.
 */
export async function evaluateModule(
  source: string,
  origin: string,
  importModule: ModuleImporter = defaultImporter,
): Promise<unknown> {
  const importer = (specifier: string) =>
    specifier === "@smol/core" ? Promise.resolve(smolCore) : importModule(specifier);
  const withoutStaticImports = source.replace(
    STATIC_IMPORT,
    (
      _match,
      namespace: string | undefined,
      defaultName: string | undefined,
      named: string | undefined,
      _quote,
      specifier: string,
    ) => {
      const imported = `await __smolImport(${JSON.stringify(specifier)})`;
      if (namespace) return `const ${namespace.replace(/^\*\s+as\s+/, "")} = ${imported};`;
      if (defaultName) return `const ${defaultName} = (${imported}).default;`;
      const bindings = (named ?? "").replace(/\s+as\s+/g, ": ");
      return `const {${bindings}} = ${imported};`;
    },
  );
  const defaultExport = /^export\s+default\s+/m;
  if (!defaultExport.test(withoutStaticImports)) {
    throw new SerializationError(
      `${origin} has no "export default": a saved tool module must export its tool.`,
    );
  }
  const body = withoutStaticImports
    .replace(/\bimport\s*\(/g, "__smolImport(")
    .replace(defaultExport, "return ");
  if (/^\s*export\s/m.test(body)) {
    throw new SerializationError(
      `${origin} has named exports: a saved tool module only has a default export.`,
    );
  }
  let run: (...values: unknown[]) => Promise<unknown>;
  try {
    run = new AsyncFunction(
      "__smolImport",
      ...Object.keys(TRANSPILER_HELPERS),
      `"use strict";\n${body}\n//# sourceURL=${origin}`,
    );
  } catch (error) {
    throw new SerializationError(`${origin} is not valid JavaScript: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await run(importer, ...Object.values(TRANSPILER_HELPERS));
  } catch (error) {
    if (error instanceof ReferenceError) {
      throw new SerializationError(
        `${origin} uses a name it neither defines nor imports (${error.message}): a saved tool must be ` +
          "self-contained, importing inside its code what it uses.",
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * Helpers that esbuild (tsx, tsup with keepNames, vitest) writes into the source of the classes
 * and functions it transpiles; saved code may call them, so loaded code gets them too.
 */
const TRANSPILER_HELPERS = {
  __name: (target: object, value: string) =>
    Object.defineProperty(target, "name", { value, configurable: true }),
  __publicField: (target: object, key: PropertyKey, value: unknown) =>
    Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true }),
};

/** Node's resolution, from `@smol/hub`'s location. */
export async function defaultImporter(specifier: string): Promise<unknown> {
  // A variable specifier: resolved by Node at run time, from this package's location.
  const name: string = specifier;
  return await import(name);
}
