import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Tool, type ToolDict } from "@smol/core";
import { SerializationError, UntrustedCodeError } from "./errors.js";
import { evaluateModule, type ModuleImporter } from "./module-loader.js";
import { packageToolSource, toolModuleSource } from "./tool-source.js";

/** The manifest of a saved tool. */
export const TOOL_MANIFEST = "tool.json";
/** The module of a saved tool: its default export is the tool. */
export const TOOL_MODULE = "tool.mjs";

export interface LoadToolOptions {
  /** Must be `true`: loading a tool runs its code. */
  trustRemoteCode?: boolean;
  /** Resolves the packages the tool imports (default: Node's resolution from `@smol/hub`). */
  importModule?: ModuleImporter;
}

/**
 * Saves a tool as a folder: `tool.json` (name, description, inputs, outputType, outputSchema)
 * and `tool.mjs` (its source, see `toolModuleSource` for which tools can be saved; a tool of
 * `@smol/tools-toolkit` is saved as an import of its class, see `packageToolSource`).
 *
 * @example
 * await saveTool(modelDownloadTool, "./model_download_tool");
 * const copy = await loadToolFromFolder("./model_download_tool", { trustRemoteCode: true });
 */
export async function saveTool(tool: Tool, folder: string): Promise<void> {
  tool.validate();
  const source = (await packageToolSource(tool)) ?? toolModuleSource(tool);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, TOOL_MANIFEST), `${JSON.stringify(tool.toDict(), null, 2)}\n`);
  await writeFile(join(folder, TOOL_MODULE), source);
}

/**
 * Loads a tool saved by `saveTool`. Runs `tool.mjs`, so it needs `trustRemoteCode: true`.
 *
 * @example
 * const tool = await loadToolFromFolder("./model_download_tool", { trustRemoteCode: true });
 */
export async function loadToolFromFolder(folder: string, options: LoadToolOptions = {}): Promise<Tool> {
  const manifest = await readToolManifest(folder);
  requireTrust(options, `the tool '${manifest.name}' from ${folder}`);
  const modulePath = join(folder, TOOL_MODULE);
  const source = await readFile(modulePath, "utf8").catch((error: unknown) => {
    throw new SerializationError(`${modulePath} cannot be read: a saved tool needs its ${TOOL_MODULE}.`, {
      cause: error,
    });
  });
  const loaded = await evaluateModule(source, modulePath, options.importModule);
  if (!(loaded instanceof Tool)) {
    throw new SerializationError(`${modulePath} does not export a Tool as its default export.`);
  }
  if (loaded.name !== manifest.name) {
    throw new SerializationError(
      `${modulePath} exports the tool '${loaded.name}' but ${TOOL_MANIFEST} names '${manifest.name}'.`,
    );
  }
  loaded.validate();
  return loaded;
}

/** Reads and checks `tool.json`. */
export async function readToolManifest(folder: string): Promise<ToolDict> {
  const path = join(folder, TOOL_MANIFEST);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SerializationError(`${path} is missing or is not JSON: is ${folder} a saved tool?`, {
      cause: error,
    });
  }
  const { name, description } = (manifest ?? {}) as Partial<ToolDict>;
  if (typeof name !== "string" || typeof description !== "string") {
    throw new SerializationError(`${path} needs a string "name" and "description".`);
  }
  return manifest as ToolDict;
}

/** Throws `UntrustedCodeError` unless the caller trusts the code about to run. */
export function requireTrust(options: { trustRemoteCode?: boolean }, what: string): void {
  if (options.trustRemoteCode === true) return;
  throw new UntrustedCodeError(
    `Loading ${what} runs its code on this machine. Read it first, then pass { trustRemoteCode: true } if you trust it.`,
  );
}
