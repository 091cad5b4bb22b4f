/**
 * bench/real-outputs: how smol reads what real models write. Each entry of the corpus (real
 * model outputs with what a careful human would extract, kept outside this repository) goes
 * through smol's real parsing:
 *
 * - `kind: "code"`: a CodeAgent, driven by a scripted model that replies with the entry's output,
 *   runs one step on the local sandbox (the default executor). What it extracted is the step's
 *   `codeAction`, unless the step failed with an `AgentParsingError` (then nothing ran and the
 *   model was told the expected format). Running the code matters: untagged text is only taken
 *   as code when Python accepts it, and that decision is the sandbox's.
 * - `kind: "tool-json"`: a ToolCallingAgent, given a tool of the expected name, runs one step on
 *   the same kind of scripted reply (text, no native tool call). What it extracted is the step's
 *   `toolCalls`, unless the step failed with an `AgentParsingError`.
 *
 * An entry is handled when smol did what its `expect` says:
 * - code: the extracted code equals `expect.code` or one of `expect.acceptable` (`null` there
 *   means that rejecting the output is fine too); `expect.code: null` means no code should run.
 *   Codes are compared with line endings, trailing spaces and surrounding blank lines ignored.
 * - tool-json: exactly one call, named `expect.toolName`, with arguments deep-equal to
 *   `expect.arguments`.
 *
 * A miss is *silently wrong* when smol ran something else (other code, another call) and the
 * model is told nothing: the step ended without an error. A rejected output that should have
 * run, or other code whose run failed, is a miss but not a silent one: the model sees the error
 * and can retry.
 *
 * Prints a table per shape and per model family, writes bench/results/real-outputs.json (ids and
 * outcomes only: the corpus' texts stay out of the repository).
 * Run: pnpm --filter @smol/bench real-outputs [path/to/corpus.json]
 *      (or SMOL_REAL_OUTPUTS=path; default ../shared/real-outputs/corpus.json from the repo root)
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";
import {
  type ActionStep,
  AgentParsingError,
  CodeAgent,
  LogLevel,
  type MultiStepAgent,
  type PythonExecutor,
  ToolCallingAgent,
  type ToolInputType,
  tool,
} from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";

interface CorpusEntry {
  id: string;
  model: string;
  kind: "code" | "tool-json";
  output: string;
  expect: {
    code?: string | null;
    acceptable?: (string | null)[];
    toolName?: string;
    arguments?: unknown;
  };
}

type Outcome = "handled" | "missed" | "silent-wrong";

interface EntryResult {
  id: string;
  kind: CorpusEntry["kind"];
  family: string;
  shapes: string[];
  outcome: Outcome;
  /** Why it is not handled, in a few words (never the corpus' text). */
  reason?: string;
}

const benchDirectory = join(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = join(benchDirectory, "..");

function corpusPath(): string {
  const fromArgument = process.argv[2];
  const path =
    fromArgument ?? process.env.SMOL_REAL_OUTPUTS ?? join(repoRoot, "../shared/real-outputs/corpus.json");
  return resolve(path);
}

/** What a human compares: the same lines, whatever the line endings and the padding around. */
function normalizeCode(code: string): string {
  return code
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .trim();
}

/** The model family, for the table: the first name that appears in the model's description. */
const FAMILIES: [RegExp, string][] = [
  [/deepseek-r1/i, "DeepSeek-R1 distills"],
  [/deepseek/i, "DeepSeek"],
  [/qwen/i, "Qwen"],
  [/(?<!o)llama/i, "Llama"],
  [/gpt-?4/i, "GPT-4o / 4.1"],
  [/\bo1\b|\bo3-mini\b/i, "OpenAI o1 / o3-mini"],
  [/phi/i, "Phi-4"],
  [/mistral/i, "Mistral"],
  [/smollm/i, "SmolLM2"],
  [/starcoder/i, "StarCoder2"],
  [/gemma/i, "Gemma 3"],
  [/olmo/i, "OLMo 2"],
  [/dria/i, "Dria"],
  [/osmosis/i, "Osmosis"],
  [/sonar/i, "Perplexity Sonar"],
];

function familyOf(model: string): string {
  return FAMILIES.find(([pattern]) => pattern.test(model))?.[1] ?? "unnamed model";
}

/**
 * The shapes an output has (several at once), read from the text itself, so that the table says
 * which kinds of output smol still misreads.
 */
function shapesOf(entry: CorpusEntry): string[] {
  const text = entry.output;
  const shapes: string[] = [];
  if (entry.kind === "tool-json") {
    if (/\{\s*'/.test(text)) shapes.push("json: Python dict literal");
    if (/"action"\s*:/.test(text)) shapes.push("json: action / action_input");
    if (/"tool_name"\s*:/.test(text)) shapes.push("json: tool_name / tool_arguments");
    if (/['"]function['"]\s*:/.test(text)) shapes.push("json: function {name, arguments}");
    if (/^\s*\[/m.test(text)) shapes.push("json: list of calls");
    if (/[}\]]\s*(?:```)?\s*\n\s*\S/.test(text)) shapes.push("json: text after the JSON");
    return shapes.length > 0 ? shapes : ["json: other"];
  }
  const fenceLines = text.split("\n").filter((line) => /^\s*```/.test(line));
  if (/<think>/.test(text)) shapes.push("<think> section");
  if (/<code>/.test(text)) shapes.push("<code> tags");
  if (/```(?:py|python)\b/.test(text)) shapes.push("```py / ```python fence");
  if (/```(?!py|python|\s|<)[A-Za-z]/.test(text)) shapes.push("fence in another language");
  if (fenceLines.some((line) => /^[ \t]+```/.test(line))) shapes.push("indented fence");
  if (fenceLines.length % 2 === 1) shapes.push("unclosed fence");
  if (/your python code here|your final answer here|your answer/i.test(text))
    shapes.push("echoed format hint");
  if (!/```|<code>/.test(text)) shapes.push("no fence, no tags");
  if (entry.expect.code === null) shapes.push("expect: no code");
  return shapes;
}

/** What a code step did: the code it ran (null: none, the model got the format error), and whether that run failed. */
interface CodeRun {
  extracted: string | null;
  failed: boolean;
}

function codeOutcome(
  entry: CorpusEntry,
  { extracted, failed }: CodeRun,
): { outcome: Outcome; reason?: string } {
  const accepted = [entry.expect.code ?? null, ...(entry.expect.acceptable ?? [])];
  const matches = accepted.some((candidate) =>
    candidate === null
      ? extracted === null
      : extracted !== null && normalizeCode(candidate) === normalizeCode(extracted),
  );
  if (matches) return { outcome: "handled" };
  if (extracted === null) return { outcome: "missed", reason: "rejected, code expected" };
  // The model saw the error of code it did not mean: wrong, but not silent.
  if (failed)
    return { outcome: "missed", reason: "ran other code, which failed with an error the model saw" };
  return {
    outcome: "silent-wrong",
    reason: entry.expect.code === null ? "ran code, none expected" : "ran other code",
  };
}

/** One step of `agent` on a scripted reply; the step as memory keeps it. */
async function firstActionStep(agent: MultiStepAgent, entry: CorpusEntry): Promise<ActionStep> {
  await agent.run("Solve the task.");
  const step = agent.memory.steps.find((candidate): candidate is ActionStep => candidate.type === "action");
  if (!step) throw new Error(`${entry.id}: the agent recorded no action step`);
  return step;
}

/** The first call is the step; a later one is the max-steps final answer, whose text is kept. */
function replyingWith(entry: CorpusEntry): ScriptedModel {
  return new ScriptedModel((_messages, _options, callIndex) => (callIndex === 0 ? entry.output : "done"), {
    recordCalls: false,
  });
}

async function runCodeEntry(entry: CorpusEntry, executor: PythonExecutor): Promise<CodeRun> {
  const agent = new CodeAgent({
    tools: [],
    model: replyingWith(entry),
    executor,
    verbosityLevel: LogLevel.OFF,
    maxSteps: 1,
  });
  const step = await firstActionStep(agent, entry);
  if (step.error && AgentParsingError.isInstance(step.error)) return { extracted: null, failed: false };
  return { extracted: step.codeAction ?? null, failed: step.error !== undefined };
}

const JSON_TYPES: Record<string, ToolInputType> = { string: "string", number: "number", boolean: "boolean" };

async function toolJsonOutcome(entry: CorpusEntry): Promise<{ outcome: Outcome; reason?: string }> {
  const expected = (entry.expect.arguments ?? {}) as Record<string, unknown>;
  // A tool that accepts the expected arguments, so that a right call is not refused downstream.
  const expectedTool = tool(
    {
      name: entry.expect.toolName!,
      description: "The tool the model meant to call.",
      inputs: Object.fromEntries(
        Object.entries(expected).map(([key, value]) => [
          key,
          { type: JSON_TYPES[typeof value] ?? "any", description: key, nullable: true },
        ]),
      ),
      outputType: "string",
    },
    async () => "ok",
  );
  const agent = new ToolCallingAgent({
    tools: [expectedTool],
    model: replyingWith(entry),
    verbosityLevel: LogLevel.OFF,
    maxSteps: 1,
  });
  const step = await firstActionStep(agent, entry);
  if (step.error && AgentParsingError.isInstance(step.error)) {
    return { outcome: "missed", reason: "rejected, a call expected" };
  }
  const calls = step.toolCalls ?? [];
  const [first] = calls;
  if (
    calls.length === 1 &&
    first!.name === entry.expect.toolName &&
    isDeepStrictEqual(first!.arguments, expected)
  ) {
    return { outcome: "handled" };
  }
  // A wrong call that was refused (unknown tool, unreadable arguments) was reported to the model.
  const results = step.toolResults ?? [];
  if (calls.length > 0 && results.length === calls.length && results.every((result) => result.error)) {
    return { outcome: "missed", reason: "call refused with an error" };
  }
  return {
    outcome: "silent-wrong",
    reason: calls.length > 1 ? `${calls.length} calls` : "another call or other arguments",
  };
}

interface Tally {
  handled: number;
  total: number;
  silentWrong: number;
}

function tally(results: EntryResult[], keyOf: (result: EntryResult) => string[]): Record<string, Tally> {
  const table: Record<string, Tally> = {};
  for (const result of results) {
    for (const key of keyOf(result)) {
      table[key] ??= { handled: 0, total: 0, silentWrong: 0 };
      const row = table[key];
      row.total += 1;
      if (result.outcome === "handled") row.handled += 1;
      if (result.outcome === "silent-wrong") row.silentWrong += 1;
    }
  }
  return Object.fromEntries(Object.entries(table).sort(([a], [b]) => a.localeCompare(b)));
}

function printTable(title: string, table: Record<string, Tally>): void {
  const width = Math.max(title.length, ...Object.keys(table).map((key) => key.length));
  console.log(`\n${title.padEnd(width)}  handled  silently wrong`);
  for (const [key, row] of Object.entries(table)) {
    console.log(
      `${key.padEnd(width)}  ${`${row.handled}/${row.total}`.padStart(7)}  ${String(row.silentWrong).padStart(14)}`,
    );
  }
}

function gitCommit(): string | undefined {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const path = corpusPath();
  if (!existsSync(path)) {
    console.error(`No corpus at ${path}: pass its path as an argument or in SMOL_REAL_OUTPUTS.`);
    process.exit(2);
  }
  const corpus = JSON.parse(readFileSync(path, "utf8")) as CorpusEntry[];
  const executor = new LocalPythonExecutor();
  const results: EntryResult[] = [];
  try {
    for (const entry of corpus) {
      const judged =
        entry.kind === "code"
          ? codeOutcome(entry, await runCodeEntry(entry, executor))
          : await toolJsonOutcome(entry);
      results.push({
        id: entry.id,
        kind: entry.kind,
        family: familyOf(entry.model),
        shapes: shapesOf(entry),
        ...judged,
      });
    }
  } finally {
    await executor.cleanup();
  }

  const byKind = tally(results, (result) => [result.kind]);
  const total = tally(results, () => ["all"]).all!;
  const byShape = tally(results, (result) => result.shapes);
  const byFamily = tally(results, (result) => [result.family]);
  printTable("kind", { ...byKind, all: total });
  printTable("shape", byShape);
  printTable("model family", byFamily);
  const misses = results.filter((result) => result.outcome !== "handled");
  if (misses.length > 0) {
    console.log("\nNot handled:");
    for (const miss of misses) console.log(`  ${miss.outcome.padEnd(12)} ${miss.id} (${miss.reason})`);
  }

  const report = {
    benchmark: "real-outputs",
    date: new Date().toISOString(),
    commit: gitCommit(),
    entries: corpus.length,
    total,
    byKind,
    byShape,
    byFamily,
    results,
  };
  const resultsPath = join(benchDirectory, "results", "real-outputs.json");
  await mkdir(dirname(resultsPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(report, null, 2)}\n`);
  console.log(
    `\n${total.handled}/${total.total} handled, ${total.silentWrong} silently wrong. Wrote ${resultsPath}`,
  );
}

await main();
