import { EXECUTOR_PACKAGES, type ExecutorType, type PythonExecutor } from "@smol/core";
import { exportedClass, importOptionalPackage } from "../optional-packages.js";

/**
 * Builds the executor of `--executor`, loading its package from the CLI's installation (the
 * CLI ships the local sandbox; Docker, E2B and Blaxel are optional packages, and a missing one
 * gives an error that names it). The agent it is given to stops it when disposed.
 *
 * @example
 * const executor = await loadExecutor("local", { additionalAuthorizedImports: ["numpy"] });
 */
export async function loadExecutor(
  type: ExecutorType,
  options: Record<string, unknown> & { additionalAuthorizedImports?: string[] },
): Promise<PythonExecutor> {
  const { packageName, className } = EXECUTOR_PACKAGES[type];
  const module = await importOptionalPackage(packageName, `--executor ${type}`);
  const ExecutorClass = exportedClass<PythonExecutor>(module, className, packageName);
  return new ExecutorClass(options);
}
