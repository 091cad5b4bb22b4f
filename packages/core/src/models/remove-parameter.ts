/**
 * Give this as the value of a completion parameter to delete that key from the request sent to
 * the provider, whatever smol or the agent would have put there. The common use is a model that
 * rejects `stop`: smol then cuts the output at the stop sequences itself.
 *
 * It comes from `Symbol.for`, so two copies of `@smol/core` in one `node_modules` agree on it.
 *
 * @example
 * import { REMOVE_PARAMETER } from "@smol/core";
 * const model = new OpenAIModel({ modelId: "gpt-5", stop: REMOVE_PARAMETER, temperature: 0.7 });
 */
export const REMOVE_PARAMETER: unique symbol = Symbol.for("smol.REMOVE_PARAMETER");
export type RemoveParameter = typeof REMOVE_PARAMETER;

/** How `REMOVE_PARAMETER` is written in `toDict()` output, which must be plain JSON. */
const serializedRemoveParameter = { $smol: "REMOVE_PARAMETER" } as const;

export function isRemoveParameter(value: unknown): value is RemoveParameter {
  return value === REMOVE_PARAMETER;
}

/** Replace `REMOVE_PARAMETER` values by their JSON form (one level deep: parameters are flat). */
export function encodeRemoveParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parameters).map(([key, value]) => [
      key,
      isRemoveParameter(value) ? { ...serializedRemoveParameter } : value,
    ]),
  );
}

/** The inverse of `encodeRemoveParameters`. */
export function decodeRemoveParameters(parameters: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(parameters).map(([key, value]) => [
      key,
      isSerializedRemoveParameter(value) ? REMOVE_PARAMETER : value,
    ]),
  );
}

function isSerializedRemoveParameter(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).length === 1 &&
    (value as Record<string, unknown>).$smol === serializedRemoveParameter.$smol
  );
}

/**
 * Lay the constructor's completion parameters over a provider request: they win over what smol
 * computed, and a `REMOVE_PARAMETER` value deletes the key. Returns a new object.
 *
 * @example
 * overlayCompletionParameters({ model: "gpt-5", stop: ["Observation:"] }, { stop: REMOVE_PARAMETER, temperature: 0 });
 * // → { model: "gpt-5", temperature: 0 }
 */
export function overlayCompletionParameters<T extends Record<string, unknown>>(
  request: T,
  parameters: Record<string, unknown>,
): T {
  const result: Record<string, unknown> = { ...request };
  for (const [key, value] of Object.entries(parameters)) {
    if (isRemoveParameter(value)) delete result[key];
    else result[key] = value;
  }
  return result as T;
}
