/**
 * Restate journals values as JSON. Agent values are not always JSON-safe (errors, class
 * instances such as `Timing`, bigints), so they are turned into plain data before they are
 * journaled or stored: what is journaled is exactly what a replay gets back.
 */
export function toJsonSafe<T = unknown>(value: unknown): T {
  const seen = new WeakSet<object>();
  const text = JSON.stringify(value, function replacer(_key, item: unknown) {
    if (typeof item === "bigint") return item.toString();
    if (typeof item === "function" || typeof item === "symbol") return undefined;
    if (item instanceof Error) {
      return { name: item.name, message: item.message, ...ownEnumerable(item) };
    }
    if (typeof item === "object" && item !== null) {
      if (seen.has(item)) return "[circular]";
      seen.add(item);
    }
    return item;
  });
  return (text === undefined ? null : JSON.parse(text)) as T;
}

function ownEnumerable(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(error)) fields[key] = (error as unknown as Record<string, unknown>)[key];
  return fields;
}

/** An error as journaled by `toJsonSafe`. */
export interface JournaledError {
  name: string;
  message: string;
}

/** Rebuilds a thrown error from its journaled form, keeping its name and message. */
export function errorFromJournal(journaled: JournaledError): Error {
  const error = new Error(journaled.message);
  error.name = journaled.name;
  return error;
}
