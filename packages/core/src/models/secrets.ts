/** Keys whose values are credentials. `token$` catches `token`, `hfToken`, `access_token`, not `max_tokens`. */
const secretKeyPattern = /api_?key|token$|secret|password|authorization|credential|cookie/i;

/**
 * A copy of `value` fit for saving: keys that name secrets are dropped at any depth, and so are
 * functions, symbols and `undefined` (they cannot be written as JSON).
 */
export function withoutSecrets(value: Record<string, unknown>): Record<string, unknown> {
  return cleanObject(value, 0);
}

function cleanObject(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (secretKeyPattern.test(key)) continue;
    const cleaned = cleanValue(item, depth + 1);
    if (cleaned !== undefined) result[key] = cleaned;
  }
  return result;
}

function cleanValue(value: unknown, depth: number): unknown {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value;
  // Deep structures in model options are unusual; past a few levels they are not options.
  if (depth > 8 || typeof value !== "object") return undefined;
  if (Array.isArray(value)) return value.map((item) => cleanValue(item, depth + 1) ?? null);
  if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return undefined;
  return cleanObject(value as Record<string, unknown>, depth);
}
