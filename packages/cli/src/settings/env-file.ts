import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { CliUsageError } from "../errors.js";

/**
 * Parses a `.env`-style file: `KEY=value` lines, `export KEY=value`, `#` comments, values in
 * single quotes (taken as written) or double quotes (`\n` and `\"` escapes).
 *
 * @example
 * parseEnvFile('OPENAI_API_KEY="sk-…"\n# comment\nexport HF_TOKEN=hf_x'); // { OPENAI_API_KEY: "sk-…", HF_TOKEN: "hf_x" }
 */
export function parseEnvFile(content: string, source = ".env"): Record<string, string> {
  const values: Record<string, string> = {};
  content.split(/\r?\n/).forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) {
      throw new CliUsageError(
        `${source}, line ${index + 1}: expected KEY=value, found "${line.slice(0, 60)}".`,
      );
    }
    values[match[1]!] = unquote(match[2]!);
  });
  return values;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2) {
    const inner = findClosing(value, quote);
    if (quote === "'") return inner;
    return inner.replace(/\\(["\\nrt])/g, (_, escaped: string) => {
      const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t" };
      return escapes[escaped] ?? escaped;
    });
  }
  // An unquoted value ends at a comment that follows whitespace.
  return value.replace(/\s+#.*$/, "").trim();
}

function findClosing(value: string, quote: string): string {
  for (let index = 1; index < value.length; index += 1) {
    if (value[index] === "\\" && quote === '"') {
      index += 1;
      continue;
    }
    if (value[index] === quote) return value.slice(1, index);
  }
  return value.slice(1);
}

/**
 * Loads an environment file into `environment` without overriding what is already set (the
 * shell wins over the file). A missing default `.env` is fine; a missing explicit file is not.
 * Returns the names it set.
 */
export function loadEnvFile(
  path: string | undefined,
  directory: string,
  environment: NodeJS.ProcessEnv = process.env,
): string[] {
  const fullPath = resolve(directory, path ?? ".env");
  if (!existsSync(fullPath)) {
    if (path !== undefined) throw new CliUsageError(`--env-file: no file at ${fullPath}.`);
    return [];
  }
  const values = parseEnvFile(readFileSync(fullPath, "utf8"), fullPath);
  const loaded: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (environment[key] !== undefined) continue;
    environment[key] = value;
    loaded.push(key);
  }
  return loaded;
}
