import { MissingPackageError, SmolError } from "@smol/core";

/**
 * Imports a smol package by name, from the CLI's own installation: model classes, executors and
 * the toolkit load only when asked for, and a missing one gives a `MissingPackageError` that
 * names the package to add.
 *
 * @example
 * const { OpenAIModel } = await importOptionalPackage("@smol/models-openai", "--model-type OpenAIModel");
 */
export async function importOptionalPackage(
  packageName: string,
  purpose: string,
): Promise<Record<string, unknown>> {
  try {
    // A variable specifier, so that bundlers leave it to Node's resolution at run time.
    const specifier: string = packageName;
    return (await import(specifier)) as Record<string, unknown>;
  } catch (error) {
    if (isModuleNotFound(error, packageName))
      throw new MissingPackageError(packageName, purpose, { cause: error });
    throw error;
  }
}

function isModuleNotFound(error: unknown, packageName: string): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof message !== "string") return false;
  // A package that is present but not built yet (no dist/) is as good as missing to a user.
  const namesPackage = message.includes(packageName) || message.includes(packageName.replace("/", "+"));
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return namesPackage;
  return namesPackage && /cannot find|failed to (load|resolve)|not found|does not provide/i.test(message);
}

/** The export `name` of a loaded package, checked to be a class. */
export function exportedClass<T>(
  module: Record<string, unknown>,
  name: string,
  packageName: string,
): new (
  options?: Record<string, unknown>,
) => T {
  const value = module[name];
  if (typeof value !== "function") {
    throw new SmolError(
      `${packageName} does not export ${name}: update it to a version that matches @smol/cli.`,
    );
  }
  return value as new (
    options?: Record<string, unknown>,
  ) => T;
}
