import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ExecutorError } from "../errors.js";

const RUNTIME_RELATIVE_PATH = join("runtime", "smol_runtime.py");

let cachedPath: string | undefined;
let cachedSource: string | undefined;

/**
 * The absolute path of the Python runtime shipped with `@smol/core`
 * (`runtime/smol_runtime.py` at the package root). Works from the built package (ESM or CJS)
 * and from the TypeScript sources.
 *
 * @example
 * spawn("python3", ["-u", runtimeSourcePath()]);
 */
export function runtimeSourcePath(): string {
  if (cachedPath) return cachedPath;
  // dist/index.{js,cjs} sits one level under the package root, src/executors/*.ts two: walk up.
  let directory = moduleDirectory();
  for (let level = 0; level < 5; level += 1) {
    const candidate = join(directory, RUNTIME_RELATIVE_PATH);
    if (existsSync(candidate)) {
      cachedPath = candidate;
      return candidate;
    }
    const parent = dirname(directory);
    if (parent === directory) break;
    directory = parent;
  }
  throw new ExecutorError(
    `The Python runtime (${RUNTIME_RELATIVE_PATH}) is missing from @smol/core near ${moduleDirectory()}: reinstall @smol/core.`,
  );
}

/**
 * The runtime's source text, for transports that copy it into a sandbox (a container, a
 * remote process, Pyodide's in-memory file system).
 *
 * @example
 * await sandbox.files.write("/tmp/smol_runtime.py", readRuntimeSource());
 */
export function readRuntimeSource(): string {
  cachedSource ??= readFileSync(runtimeSourcePath(), "utf8");
  return cachedSource;
}

function moduleDirectory(): string {
  // import.meta.url in both builds (tsup derives it from __filename in the CommonJS one), never
  // a global __dirname: under `node -e` there is one, ".", even for an ES module.
  return dirname(fileURLToPath(import.meta.url));
}
