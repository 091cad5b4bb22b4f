import { ModelConfigurationError } from "../errors.js";

/**
 * Option names that some smol model takes. Completion parameters pass through to the provider
 * as written, so a smol option given to a model that does not take it (`host` to `OpenAIModel`)
 * or a misspelt one (`maxRetires`) would otherwise be sent to the provider, or silently do
 * nothing: `new OpenAIModel({ baseURL })` once sent a local key to api.openai.com.
 */
const SMOL_OPTION_NAMES: ReadonlySet<string> = new Set([
  "apiBase",
  "apiKey",
  "apiVersion",
  "authToken",
  "baseUrl",
  "billTo",
  "client",
  "clientOptions",
  "endpoint",
  "endpointUrl",
  "host",
  "organization",
  "project",
  "provider",
]);

/** Names for the server's URL, in each provider's or SDK's spelling: all mean `baseUrl`. */
const SERVER_URL_NAMES: ReadonlySet<string> = new Set([
  "apiBase",
  "baseUrl",
  "baseURL",
  "host",
  "endpointUrl",
]);

/**
 * Throws a `ModelConfigurationError` for an option key that is surely a mistake: a smol option
 * name this model does not take, or a near miss of one it does take (an edit or two away, or
 * the same name in another case or with underscores: `api_key`, `maxRetires`).
 */
export function checkOptionNames(
  modelName: string,
  keys: Iterable<string>,
  names: { common: readonly string[]; provider: readonly string[] },
): void {
  const known = [...names.common, ...names.provider];
  for (const key of keys) {
    if (known.includes(key)) continue;
    const suggestion = suggestionFor(key, known, names.provider);
    if (suggestion !== undefined) {
      throw new ModelConfigurationError(
        `${modelName} has no option "${key}": did you mean "${suggestion}"? ` +
          "(Options that are not the model's own are sent to the provider as completion parameters, " +
          `and "${key}" is not one.)`,
      );
    }
    if (SMOL_OPTION_NAMES.has(key)) {
      throw new ModelConfigurationError(
        `${modelName} has no option "${key}" (other smol models do). Its options: ${known.join(", ")}.`,
      );
    }
  }
}

function suggestionFor(
  key: string,
  known: readonly string[],
  providerNames: readonly string[],
): string | undefined {
  if (SERVER_URL_NAMES.has(key) && known.includes("baseUrl")) return "baseUrl";
  const normalised = normalise(key);
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(normalised, normalise(name));
    // The wire spelling of a provider's option (`num_ctx` for `numCtx`) is a real completion
    // parameter (`num_ctx: REMOVE_PARAMETER` drops it); that of a connection option (`api_key`)
    // or of ApiModel's own (`max_retries`) never is.
    const wireSpelling = distance === 0 && key.includes("_");
    if (wireSpelling && providerNames.includes(name) && !SMOL_OPTION_NAMES.has(name)) continue;
    if (distance <= allowedDistance(name) && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

function normalise(name: string): string {
  return name.replaceAll("_", "").replaceAll("-", "").toLowerCase();
}

/** Short names differ from real parameters by one letter too often (`top_k`, `seed`) to guess. */
function allowedDistance(name: string): number {
  if (name.length <= 4) return 0;
  return name.length <= 8 ? 1 : 2;
}

/** Levenshtein distance, a swap of two neighbouring letters counting as one edit. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = rows[i]!;
      const previous = rows[i - 1]!;
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j]!, rows[i - 2]![j - 2]! + 1);
      }
    }
  }
  return rows[a.length]![b.length]!;
}
