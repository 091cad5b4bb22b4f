/**
 * Turning values into the text the console shows: counts with thousands separators, tool
 * arguments and answers of any type, and long observations cut in the middle.
 */

/**
 * Formats a count with comma thousands separators, whatever the process locale.
 *
 * @example
 * formatCount(4288); // "4,288"
 */
export function formatCount(count: number): string {
  if (!Number.isFinite(count)) return String(count);
  const sign = count < 0 ? "-" : "";
  return sign + String(Math.round(Math.abs(count))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const maximumDepth = 8;

function describe(value: unknown, seen: Set<object>, depth: number): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== "object") {
    if (typeof value === "function") return `[Function ${value.name || "anonymous"}]`;
    if (typeof value === "bigint") return `${value}n`;
    return String(value);
  }
  if (seen.has(value)) return "[Circular]";
  if (depth >= maximumDepth) return Array.isArray(value) ? "[…]" : "{…}";
  if (value instanceof Date) return JSON.stringify(Number.isNaN(value.getTime()) ? "Invalid Date" : value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  seen.add(value);
  try {
    const inner = (item: unknown) => describe(item, seen, depth + 1);
    if (Array.isArray(value)) return `[${value.map(inner).join(", ")}]`;
    if (value instanceof Map) {
      return `Map {${[...value].map(([key, item]) => `${inner(key)} => ${inner(item)}`).join(", ")}}`;
    }
    if (value instanceof Set) return `Set {${[...value].map(inner).join(", ")}}`;
    const withJson = value as { toJSON?: () => unknown };
    if (typeof withJson.toJSON === "function") return inner(withJson.toJSON());
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${inner(item)}`);
    return `{${entries.join(", ")}}`;
  } catch (error) {
    // A throwing getter or toJSON must not take the console output down with it.
    return `[unprintable: ${error instanceof Error ? error.message : String(error)}]`;
  } finally {
    seen.delete(value);
  }
}

/**
 * Renders any value on one line for the console: strings as they are, everything else as
 * spaced JSON-like text (`{"query": "x", "limit": 3}`), safe with cycles, bigints and functions.
 *
 * @example
 * formatValueForDisplay({ task: "text-to-video" }); // '{"task": "text-to-video"}'
 * formatValueForDisplay("ByteDance/AnimateDiff-Lightning"); // 'ByteDance/AnimateDiff-Lightning'
 */
export function formatValueForDisplay(value: unknown): string {
  if (typeof value === "string") return value;
  return describe(value, new Set(), 0);
}

/** smolagents' limit for content shown back to the model; also a sane limit for a console. */
export const defaultDisplayLength = 20_000;

/**
 * Shortens `text` to about `maxLength` characters by cutting out its middle, so that both the
 * start and the end (often where the error is) stay visible.
 *
 * @example
 * truncateForDisplay("a".repeat(50_000)); // 10,000 a's, a note, 10,000 a's
 */
export function truncateForDisplay(text: string, maxLength: number = defaultDisplayLength): string {
  if (text.length <= maxLength) return text;
  const half = Math.max(0, Math.floor(maxLength / 2));
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n… [${formatCount(omitted)} characters omitted] …\n${text.slice(text.length - half)}`;
}

/**
 * Prepares a tool output or execution log for display: any value becomes text, trailing
 * whitespace goes, and very long text is cut in the middle.
 *
 * @example
 * formatObservationForDisplay({ temperature: 21 }); // '{"temperature": 21}'
 */
export function formatObservationForDisplay(
  value: unknown,
  maxLength: number = defaultDisplayLength,
): string {
  return truncateForDisplay(formatValueForDisplay(value).trimEnd(), maxLength);
}
