/**
 * Standard modules every executor lets the model's code import: small, pure and without access
 * to the file system, the network or processes.
 */
export const BASE_BUILTIN_MODULES: readonly string[] = Object.freeze([
  "collections",
  "datetime",
  "itertools",
  "json",
  "math",
  "queue",
  "random",
  "re",
  "stat",
  "statistics",
  "time",
  "unicodedata",
]);

/**
 * The full allow-list the runtime receives: the base modules plus the additional entries,
 * deduplicated and sorted. Entries are `"module"`, `"package.*"` (the package and its
 * submodules) or `"*"` (everything).
 *
 * @example
 * authorizedImports(["numpy.*"]); // ["collections", "datetime", …, "numpy.*", …]
 */
export function authorizedImports(additional: readonly string[] = []): string[] {
  const entries = new Set<string>(BASE_BUILTIN_MODULES);
  for (const entry of additional) {
    const trimmed = entry.trim();
    if (trimmed !== "") entries.add(trimmed);
  }
  return [...entries].sort();
}
