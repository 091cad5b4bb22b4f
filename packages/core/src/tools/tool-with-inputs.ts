import { Tool } from "./tool.js";
import type { SchemaToolInputs, ToolInputs } from "./types.js";

/**
 * The base of a `Tool` subclass whose `forward` is checked against its inputs at compile time.
 * A plain `Tool` subclass declares `inputs` as a field, which TypeScript widens (`type: string`),
 * so nothing ties `forward`'s parameter to it; here the inputs are given first and `forward`
 * must accept exactly their arguments (`{ n: number }` for a `"string"` input does not compile).
 *
 * @example
 * class ModelDownloadTool extends ToolWithInputs({ task: { type: "string", description: "The task." } }) {
 *   name = "model_download_tool";
 *   description = "Returns the most downloaded model of a given task on the Hub.";
 *   outputType = "string";
 *   async forward({ task }: { task: string }) {
 *     return `most-downloaded/${task}`;
 *   }
 * }
 */
export function ToolWithInputs<const Inputs extends ToolInputs | SchemaToolInputs>(inputs: Inputs) {
  abstract class TypedTool extends Tool {
    // Kept literal by the `const` type parameter, so `Tool`'s `forward` type checks against it.
    inputs: Inputs = inputs;
  }
  return TypedTool;
}
