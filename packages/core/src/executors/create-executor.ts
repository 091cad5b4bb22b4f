import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ExecutorError, MissingPackageError } from "../errors.js";
import type { PythonExecutor, PythonExecutorOptions } from "./python-executor.js";

/** The executors `executorType` can name, and the package and class that provide each. */
export const EXECUTOR_PACKAGES = {
  local: { packageName: "@smol/executor-local", className: "LocalPythonExecutor" },
  python: { packageName: "@smol/executor-local", className: "HostPythonExecutor" },
  docker: { packageName: "@smol/executor-docker", className: "DockerExecutor" },
  e2b: { packageName: "@smol/executor-e2b", className: "E2BExecutor" },
  blaxel: { packageName: "@smol/executor-blaxel", className: "BlaxelExecutor" },
} as const;

export type ExecutorType = keyof typeof EXECUTOR_PACKAGES;

type ExecutorClass = new (options?: PythonExecutorOptions & Record<string, unknown>) => PythonExecutor;

/**
 * Builds an executor by type, loading its package on demand. A package that is not installed
 * gives a `MissingPackageError` naming it.
 *
 * @example
 * const executor = await createExecutor("docker", { timeoutSeconds: 60 });
 */
export async function createExecutor(
  type: ExecutorType,
  options: PythonExecutorOptions & Record<string, unknown> = {},
): Promise<PythonExecutor> {
  const entry = EXECUTOR_PACKAGES[type];
  if (!entry) {
    const known = Object.keys(EXECUTOR_PACKAGES).join(", ");
    throw new ExecutorError(`Unknown executorType ${JSON.stringify(type)}; use one of: ${known}.`);
  }
  const module = await importOptionalPackage(entry.packageName, `executorType "${type}"`);
  const Executor = module[entry.className];
  if (typeof Executor !== "function") {
    throw new ExecutorError(
      `${entry.packageName} does not export ${entry.className}: update it to a version that matches @smol/core.`,
    );
  }
  return new (Executor as ExecutorClass)(options);
}

/**
 * Imports an optional package by name. It is tried from @smol/core's own location first, then
 * from the application's (the current directory): under pnpm's strict layout, core cannot see a
 * package it does not declare, but the application that installed both can. A package missing
 * from both gives `MissingPackageError`.
 *
 * @example
 * const { DockerExecutor } = await importOptionalPackage("@smol/executor-docker", 'executorType "docker"');
 */
export async function importOptionalPackage(
  packageName: string,
  purpose: string,
): Promise<Record<string, unknown>> {
  try {
    // A variable specifier: @smol/core does not depend on the optional packages.
    const specifier: string = packageName;
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (!isModuleNotFound(error, packageName)) throw error;
    const fromApplication = resolveFromApplication(packageName);
    if (fromApplication) return (await import(fromApplication)) as Record<string, unknown>;
    throw new MissingPackageError(packageName, purpose, { cause: error });
  }
}

function resolveFromApplication(packageName: string): string | undefined {
  try {
    const require = createRequire(join(process.cwd(), "package.json"));
    return pathToFileURL(require.resolve(packageName)).href;
  } catch {
    return undefined;
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const mentionsPackage = typeof message === "string" && message.includes(packageName);
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return mentionsPackage;
  // Bundlers and test runners word it their own way.
  return (
    mentionsPackage &&
    typeof message === "string" &&
    /cannot find|failed to (load|resolve)|not found/i.test(message)
  );
}
