import type { Model } from "@smol/core";
import { exportedClass, importOptionalPackage } from "../optional-packages.js";
import type { ModelChoice } from "./choose-model.js";

/**
 * Builds the chosen model: loads its package on demand (a missing one gives a
 * `MissingPackageError` naming it) and passes the flags under the option names of that class,
 * with `modelOptions` from the config file on top.
 *
 * @example
 * const model = await loadModel(choice, { temperature: 0.2 });
 */
export async function loadModel(
  choice: ModelChoice,
  modelOptions: Record<string, unknown> = {},
): Promise<Model> {
  const { entry } = choice;
  const module = await importOptionalPackage(entry.packageName, `--model-type ${entry.className}`);
  const ModelClass = exportedClass<Model>(module, entry.className, entry.packageName);
  return new ModelClass({ ...entry.toOptions(choice.flags), ...modelOptions });
}
