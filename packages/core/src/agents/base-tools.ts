import { MissingPackageError } from "../errors.js";
import type { Tool } from "../tools/tool.js";

/** What the agent asking for base tools is. */
export interface BaseToolsOptions {
  /** A CodeAgent runs Python itself, so it gets no `python_interpreter` tool. */
  codeAgent: boolean;
}

/** Builds the base tools; `@smol/tools-toolkit` registers one when it is imported. */
export type BaseToolsFactory = (options: BaseToolsOptions) => Tool[];

// On globalThis under a registered symbol, so that a toolkit importing another copy of
// @smol/core still reaches the agents of this one.
const registryKey = Symbol.for("smol.baseToolsFactory");
type Registry = { [registryKey]?: BaseToolsFactory };

/**
 * Makes `addBaseTools: true` work: the toolkit package calls this when it is imported. The
 * last registration wins.
 *
 * @example
 * registerBaseTools(({ codeAgent }) => [new WebSearchTool(), new VisitWebpageTool(),
 *   ...(codeAgent ? [] : [new PythonInterpreterTool()])]);
 */
export function registerBaseTools(factory: BaseToolsFactory | undefined): void {
  (globalThis as Registry)[registryKey] = factory;
}

/** The base tools for an agent; throws `MissingPackageError` when no toolkit registered them. */
export function loadBaseTools(options: BaseToolsOptions): Tool[] {
  const factory = (globalThis as Registry)[registryKey];
  if (!factory) {
    const error = new MissingPackageError("@smol/tools-toolkit", "addBaseTools: true");
    error.message +=
      '\nThen import it once (import "@smol/tools-toolkit"): importing it registers the base tools.';
    throw error;
  }
  return factory(options);
}
