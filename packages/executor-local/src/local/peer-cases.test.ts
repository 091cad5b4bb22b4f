/**
 * smolagents' own executor tests, ported as data (../shared/peer-cases/smolagents-executor.json,
 * next to the repository, never copied into it), run on LocalPythonExecutor. The file is read at
 * run time; without it the suite is skipped. Differences we accept are in docs/migration.md.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  AgentLogger,
  CodeAgent,
  type CodeOutput,
  LogLevel,
  type PythonExecutor,
  type PythonExecutorOptions,
  tool,
} from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { afterAll, describe, expect, it } from "vitest";

const casesFile = resolve(__dirname, "../../../../../shared/peer-cases/smolagents-executor.json");
const cacheDir = join(tmpdir(), "smol-executor-local-test-cache");
/** Out of 326: the one case whose difference is documented may fail, no other. */
const REQUIRED_PASSING = 325;

type Pattern = string | { re: string; flags?: string; joinLines?: boolean };

interface PeerTool {
  id: string;
  name: string;
  description: string;
  inputs: Record<string, { type: string; description: string; nullable?: boolean }>;
  outputType: string;
}

interface PeerCase {
  name: string;
  executor?: {
    imports?: string[];
    shared?: string;
    fresh?: boolean;
    options?: PythonExecutorOptions;
    tools?: string[];
  };
  vars?: Record<string, unknown>;
  setup?: string | string[];
  code?: string;
  probe?: string;
  check?: string;
  expect?: Record<string, unknown> & { kind?: string };
  then?: { code: string; value?: unknown; logsHas?: string };
  replies?: string[];
  task?: string;
  agentOptions?: Record<string, unknown>;
  logLevel?: number;
  timeoutMs?: number;
}

interface PeerFile {
  tools: PeerTool[];
  defaultTools: string[];
  cases: PeerCase[];
}

const TOOL_BODIES: Record<string, (args: Record<string, unknown>) => unknown> = {
  add_two: ({ x }) => Number(x) + 2,
  get_weather: ({ city }) => `sunny in ${String(city)}`,
  doubling_final_answer: ({ answer }) =>
    typeof answer === "number" ? answer * 2 : typeof answer === "string" ? answer + answer : answer,
};

const peerFile: PeerFile | undefined = existsSync(casesFile)
  ? (JSON.parse(readFileSync(casesFile, "utf8")) as PeerFile)
  : undefined;

describe.skipIf(!peerFile)("smolagents' executor cases on LocalPythonExecutor", () => {
  const file = peerFile as PeerFile;
  const executors = new Map<string, LocalPythonExecutor>();
  const failures: string[] = [];
  let passed = 0;

  afterAll(async () => {
    await Promise.all([...executors.values()].map((executor) => executor.cleanup()));
  });

  function peerTools(ids: string[]) {
    return ids.map((id) => {
      const spec = file.tools.find((candidate) => candidate.id === id);
      if (!spec) throw new Error(`unknown peer tool ${id}`);
      const body = TOOL_BODIES[id];
      if (!body) throw new Error(`no body for peer tool ${id}`);
      return tool(
        {
          name: spec.name,
          description: spec.description,
          inputs: spec.inputs as never,
          outputType: spec.outputType as never,
        },
        async (args: Record<string, unknown>) => body(args),
      );
    });
  }

  async function build(options: PythonExecutorOptions, toolIds: string[]): Promise<LocalPythonExecutor> {
    const executor = new LocalPythonExecutor({ ...options, cacheDir });
    if (toolIds.length > 0) await executor.sendTools(peerTools(toolIds));
    return executor;
  }

  /** The executor a case runs on: shared by key, or fresh (then cleaned up by the caller). */
  async function executorFor(peerCase: PeerCase): Promise<{ executor: LocalPythonExecutor; fresh: boolean }> {
    const spec = peerCase.executor;
    if (spec?.fresh) return { executor: await build(spec.options ?? {}, spec.tools ?? []), fresh: true };
    const key = spec?.imports
      ? `imports:${JSON.stringify(spec.imports)}`
      : spec?.shared
        ? `shared:${spec.shared}`
        : "default";
    let executor = executors.get(key);
    if (!executor) {
      const imports = spec?.imports ?? [];
      executor = await build({ additionalAuthorizedImports: imports }, spec ? [] : file.defaultTools);
      executors.set(key, executor);
    }
    return { executor, fresh: false };
  }

  for (const peerCase of file?.cases ?? []) {
    it(
      peerCase.name,
      async () => {
        let problem: string | undefined;
        try {
          problem = await runCase(peerCase);
        } catch (error) {
          problem = `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
        }
        if (problem === undefined) passed += 1;
        else failures.push(`${peerCase.name}: ${problem.slice(0, 500)}`);
      },
      (peerCase.timeoutMs ?? 60_000) + 30_000,
    );
  }

  it("passes at least 325 of the 326 cases", () => {
    console.info(
      `peer cases: ${passed} of ${file.cases.length} pass${failures.length ? `\n${failures.join("\n")}` : ""}`,
    );
    expect(file.cases.length).toBe(326);
    expect(passed + failures.length, "every case ran").toBe(file.cases.length);
    expect(passed, `failing cases:\n${failures.join("\n")}`).toBeGreaterThanOrEqual(REQUIRED_PASSING);
  });

  /** Runs one case; undefined when it passes, else what went wrong. */
  async function runCase(peerCase: PeerCase): Promise<string | undefined> {
    if (peerCase.check === "agent-log") return await runAgentCase(peerCase);
    if (peerCase.check === "fails-early") return await runFailsEarly(peerCase);
    const { executor, fresh } = await executorFor(peerCase);
    const directory = mkdtempSync(join(tmpdir(), "smol-peer-"));
    try {
      const path = join(directory, "created-by-the-sandbox");
      const code = (peerCase.code ?? "")
        .replaceAll("{{path_json}}", JSON.stringify(path))
        .replaceAll("{{path}}", path);
      if (peerCase.vars) await executor.sendVariables(peerCase.vars);
      for (const setup of [peerCase.setup ?? []].flat()) await executor.run(setup);
      const started = Date.now();
      const output = await executor.run(code);
      const elapsed = Date.now() - started;
      const problem = peerCase.check
        ? await runCheck(peerCase, executor, output)
        : checkExpectation(peerCase, output, elapsed, path);
      if (problem) return problem;
      if (peerCase.then && peerCase.check === undefined) {
        const then = await executor.run(peerCase.then.code);
        if (then.error) return `then: ${describeOutput(then)}`;
        if (!sameValue(then.output, peerCase.then.value)) return `then gave ${describeOutput(then)}`;
      }
      return undefined;
    } finally {
      rmSync(directory, { recursive: true, force: true });
      if (fresh) await executor.cleanup();
    }
  }

  async function runCheck(
    peerCase: PeerCase,
    executor: PythonExecutor,
    output: CodeOutput,
  ): Promise<string | undefined> {
    const expected = peerCase.expect ?? {};
    switch (peerCase.check) {
      case "first-refused-or-later-works": {
        if (output.error) return undefined;
        const then = peerCase.then;
        if (!then) return "no then";
        const later = await executor.run(then.code);
        if (later.error) return `later run failed: ${describeOutput(later)}`;
        if ("value" in then && sameValue(later.output, then.value)) return undefined;
        if (then.logsHas !== undefined && later.logs.includes(then.logsHas)) return undefined;
        return `later run gave ${describeOutput(later)}`;
      }
      case "logs-truncated": {
        const logs = output.logs;
        if (logs.length >= Number(expected.shorterThan)) return `logs of ${logs.length} characters`;
        if (!logs.startsWith(String(expected.head)) || !logs.trimEnd().endsWith(String(expected.tail)))
          return `head or tail lost: ${logs.slice(0, 80)}…${logs.slice(-80)}`;
        return undefined;
      }
      default:
        return `unknown check ${peerCase.check}`;
    }
  }

  async function runFailsEarly(peerCase: PeerCase): Promise<string | undefined> {
    const needle = String(peerCase.expect?.errorHas);
    let executor: LocalPythonExecutor | undefined;
    try {
      executor = await build(peerCase.executor?.options ?? {}, []);
      await executor.start();
      const output = await executor.run(peerCase.code ?? "1 + 1");
      if (output.error && `${output.error.type}: ${output.error.message}`.includes(needle)) return undefined;
      const probe = peerCase.probe ? await executor.run(peerCase.probe) : undefined;
      return `did not fail early: ${describeOutput(output)}${probe ? `; probe: ${describeOutput(probe)}` : ""}`;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return message.includes(needle) ? undefined : `failed without naming ${needle}: ${message}`;
    } finally {
      await executor?.cleanup();
    }
  }

  async function runAgentCase(peerCase: PeerCase): Promise<string | undefined> {
    let log = "";
    const executor = await build({}, []);
    try {
      const agent = new CodeAgent({
        tools: [],
        model: new ScriptedModel(peerCase.replies ?? []),
        executor,
        logger: new AgentLogger({
          level: (peerCase.logLevel ?? LogLevel.INFO) as LogLevel,
          color: false,
          output: (chunk: string) => {
            log += chunk;
          },
        }),
        ...(peerCase.agentOptions ?? {}),
      });
      await agent.run(peerCase.task ?? "").catch(() => undefined);
      for (const pattern of (peerCase.expect?.logHas as Pattern[] | undefined) ?? []) {
        if (!matches(log, pattern)) return `the log lacks ${JSON.stringify(pattern)}:\n${log.slice(0, 1500)}`;
      }
      return undefined;
    } finally {
      await executor.cleanup();
    }
  }
});

function checkExpectation(
  peerCase: PeerCase,
  output: CodeOutput,
  elapsedMs: number,
  path: string,
): string | undefined {
  const expected = peerCase.expect ?? {};
  switch (expected.kind) {
    case "value": {
      if (output.error) return `failed: ${describeOutput(output)}`;
      if ("value" in expected) {
        const round = expected.round as number | undefined;
        const actual =
          round !== undefined && typeof output.output === "number"
            ? Number(output.output.toFixed(round))
            : output.output;
        if (!sameValue(actual, expected.value))
          return `gave ${describeOutput(output)}, expected ${JSON.stringify(expected.value)}`;
      }
      if ("logs" in expected && output.logs !== expected.logs)
        return `printed ${JSON.stringify(output.logs)}, expected ${JSON.stringify(expected.logs)}`;
      if ("isFinalAnswer" in expected && output.isFinalAnswer !== expected.isFinalAnswer)
        return `isFinalAnswer is ${output.isFinalAnswer}`;
      return undefined;
    }
    case "error": {
      const error = output.error;
      if (!error) return `did not fail: ${describeOutput(output)}`;
      if (expected.type !== undefined && error.type !== expected.type) return `failed with ${error.type}`;
      const text = `${error.type}: ${error.message}\n${error.traceback ?? ""}`;
      for (const pattern of (expected.has as Pattern[] | undefined) ?? [])
        if (!matches(text, pattern)) return `the error lacks ${JSON.stringify(pattern)}: ${text}`;
      for (const pattern of (expected.not as Pattern[] | undefined) ?? [])
        if (matches(text, pattern)) return `the error has ${JSON.stringify(pattern)}: ${text}`;
      if (expected.line !== undefined && error.line !== expected.line) return `error on line ${error.line}`;
      if (expected.withinMs !== undefined && elapsedMs >= Number(expected.withinMs))
        return `took ${elapsedMs} ms`;
      return undefined;
    }
    case "refused": {
      const error = output.error;
      if (error?.type !== "ImportError") return `not refused: ${describeOutput(output)}`;
      return error.message.includes(String(expected.module)) ? undefined : `refused: ${error.message}`;
    }
    case "not-refused":
      return isPolicyRefusal(output) ? `refused: ${output.error?.message}` : undefined;
    case "host-untouched":
      return existsSync(path) ? "the host file was created" : undefined;
    default:
      return `unknown expectation ${String(expected.kind)}`;
  }
}

function isPolicyRefusal(output: CodeOutput): boolean {
  return output.error?.type === "ImportError" && /is not allowed/.test(output.error.message);
}

function matches(text: string, pattern: Pattern): boolean {
  if (typeof pattern === "string") return text.includes(pattern);
  const subject = pattern.joinLines ? text.replaceAll("\n", "") : text;
  return new RegExp(pattern.re, pattern.flags).test(subject);
}

/** Compares a decoded output with an expected value in the peer file's JSON forms. */
function sameValue(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== "object") {
    if (typeof actual === "bigint") return false;
    return Object.is(actual, expected) || actual === expected;
  }
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => sameValue(actual[index], item))
    );
  }
  const special = expected as Record<string, unknown>;
  if ("$int" in special) return typeof actual === "bigint" && actual.toString() === special.$int;
  if ("$repeat" in special) return actual === String(special.$repeat).repeat(Number(special.times));
  if ("$set" in special) {
    return actual instanceof Set && sameEntries([...actual], special.$set as unknown[], sameValue);
  }
  if ("$map" in special) {
    const pairs = special.$map as [unknown, unknown][];
    if (!(actual instanceof Map)) return false;
    return sameEntries([...actual.entries()], pairs, (a, b) => {
      const [actualKey, actualValue] = a as [unknown, unknown];
      const [key, value] = b as [unknown, unknown];
      return sameValue(actualKey, key) && sameValue(actualValue, value);
    });
  }
  if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return false;
  const actualKeys = Object.keys(actual);
  const expectedKeys = Object.keys(special);
  return (
    actualKeys.length === expectedKeys.length &&
    expectedKeys.every((key) => sameValue((actual as Record<string, unknown>)[key], special[key]))
  );
}

/** Same entries in any order. */
function sameEntries(
  actual: unknown[],
  expected: unknown[],
  same: (a: unknown, b: unknown) => boolean,
): boolean {
  if (actual.length !== expected.length) return false;
  const unused = [...actual];
  return expected.every((item) => {
    const index = unused.findIndex((candidate) => same(candidate, item));
    if (index < 0) return false;
    unused.splice(index, 1);
    return true;
  });
}

function describeOutput(output: CodeOutput): string {
  return JSON.stringify(output, (_key, value) => (typeof value === "bigint" ? `${value}n` : value)).slice(
    0,
    400,
  );
}
