/**
 * smolagents' own parsing tests, ported as data (../shared/peer-cases/smolagents-parsing.json,
 * next to the repository, never copied into it): parseCodeBlobs, fixFinalAnswerCode, and
 * CodeAgent runs on the default executor (the local sandbox) driven by a scripted model. The
 * file is read at run time; without it the suite is skipped. Accepted differences, if any, are in
 * docs/migration.md.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type ActionStep, AgentLogger, CodeAgent, type CodeAgentOptions, type LogLevel } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { type CodeBlockTags, fixFinalAnswerCode, parseCodeBlobs } from "./code-agent/code-parsing.js";

const casesFile = resolve(__dirname, "../../../../../shared/peer-cases/smolagents-parsing.json");

type Pattern = string | { re: string; flags?: string; joinLines?: boolean };

interface AgentCheck {
  output?: unknown;
  outputString?: string;
  outputTruthy?: boolean;
  actionStep?: number;
  codeAction?: string;
  step?: number;
  task?: string;
  type?: string;
  toolCalls?: { id: string; name: string; arguments: unknown }[];
  errorHas?: Pattern[];
  observationsHas?: Pattern[];
  memoryHas?: string;
  logHas?: Pattern;
  check?: "closing-tag-appended";
  tag?: string;
}

interface ParsingCase {
  name: string;
  subject: "parseCodeBlobs" | "fixFinalAnswerCode" | "CodeAgent";
  text?: string;
  tags?: [string, string];
  code?: string;
  replies?: string[];
  task?: string;
  agentOptions?: Partial<CodeAgentOptions>;
  logLevel?: number;
  timeoutMs?: number;
  expect: {
    kind: "code" | "parse-error" | "agent";
    code?: string;
    errorName?: string;
    messageHas?: Pattern[];
    checks?: AgentCheck[];
  };
}

const cases: ParsingCase[] = existsSync(casesFile)
  ? (JSON.parse(readFileSync(casesFile, "utf8")) as { cases: ParsingCase[] }).cases
  : [];

function matches(text: string, pattern: Pattern): boolean {
  if (typeof pattern === "string") return text.includes(pattern);
  const subject = pattern.joinLines ? text.replace(/\r?\n/g, "") : text;
  return new RegExp(pattern.re, pattern.flags).test(subject);
}

function expectMatches(text: string, patterns: Pattern[] | undefined, what: string): void {
  for (const pattern of patterns ?? []) {
    expect(matches(text, pattern), `${what} should match ${JSON.stringify(pattern)}:\n${text}`).toBe(true);
  }
}

function runParseCase(peer: ParsingCase): void {
  let parsed: string | undefined;
  let failure: unknown;
  try {
    parsed =
      peer.subject === "fixFinalAnswerCode"
        ? fixFinalAnswerCode(peer.code ?? "")
        : parseCodeBlobs(peer.text ?? "", peer.tags as CodeBlockTags | undefined).code;
  } catch (error) {
    failure = error;
  }
  if (peer.expect.kind === "code") {
    expect(failure).toBeUndefined();
    expect(parsed).toBe(peer.expect.code);
    return;
  }
  expect(failure, `expected a parse error, got code: ${parsed}`).toBeInstanceOf(Error);
  const error = failure as Error;
  if (peer.expect.errorName) expect(error.name).toBe(peer.expect.errorName);
  expectMatches(error.message, peer.expect.messageHas, "the error message");
}

/** Every text memory keeps for a step, for "memoryHas". */
function memoryText(agent: CodeAgent): string {
  return agent.memory.steps
    .flatMap((step) => {
      const fields = step as Partial<ActionStep> & { task?: string };
      return [fields.task, fields.modelOutput, fields.codeAction, fields.observations, fields.error?.message];
    })
    .filter((text): text is string => typeof text === "string")
    .join("\n");
}

async function runAgentCase(peer: ParsingCase): Promise<void> {
  const replies = peer.replies ?? [];
  const model = new ScriptedModel(
    (_messages, _options, callIndex) => replies[Math.min(callIndex, replies.length - 1)] ?? "",
  );
  let log = "";
  const logger =
    peer.logLevel !== undefined
      ? new AgentLogger({ level: peer.logLevel as LogLevel, output: (text) => (log += text), color: false })
      : undefined;
  await using agent = new CodeAgent({
    tools: [],
    model,
    verbosityLevel: -1 as LogLevel,
    ...(logger ? { logger } : {}),
    ...peer.agentOptions,
  });
  const output = await agent.run(peer.task ?? "");
  const steps = agent.memory.steps;
  const actionSteps = steps.filter((step): step is ActionStep => step.type === "action");
  for (const check of peer.expect.checks ?? []) {
    if ("output" in check) expect(output).toEqual(check.output);
    if (check.outputString !== undefined) expect(String(output)).toBe(check.outputString);
    if (check.outputTruthy) expect(output).toBeTruthy();
    if (check.actionStep !== undefined)
      expect(actionSteps[check.actionStep]?.codeAction).toBe(check.codeAction);
    if (check.step !== undefined) {
      const step = steps.at(check.step) as
        | (Partial<ActionStep> & { task?: string; type: string })
        | undefined;
      expect(step, `memory step ${check.step}`).toBeDefined();
      if (check.task !== undefined) expect(step!.task).toBe(check.task);
      if (check.type !== undefined) expect(step!.type).toBe(check.type);
      if (check.codeAction !== undefined) expect(step!.codeAction).toBe(check.codeAction);
      if (check.toolCalls !== undefined) expect(step!.toolCalls).toEqual(check.toolCalls);
      expectMatches(step!.error?.message ?? "", check.errorHas, "the step's error");
      expectMatches(step!.observations ?? "", check.observationsHas, "the step's observations");
    }
    if (check.memoryHas !== undefined) expect(memoryText(agent)).toContain(check.memoryHas);
    if (check.logHas !== undefined) expectMatches(log, [check.logHas], "the log");
    if (check.check === "closing-tag-appended") {
      const tag = check.tag ?? "</code>";
      for (const reply of replies) expect(reply).not.toContain(tag);
      const kept = actionSteps.filter(
        (step) => step.error?.name !== "AgentMaxStepsError" && step.modelOutput,
      );
      expect(kept.length).toBeGreaterThan(0);
      for (const step of kept) {
        expect(step.modelOutput!.trimEnd().endsWith(tag)).toBe(true);
        const content = step.modelOutputMessage?.content;
        expect(typeof content === "string" ? content.trimEnd().endsWith(tag) : false).toBe(true);
      }
    }
  }
}

describe.skipIf(cases.length === 0)("smolagents' parsing tests (../shared/peer-cases)", () => {
  it.each(cases.map((peer) => [peer.name, peer] as const))(
    "%s",
    async (_name, peer) => {
      if (peer.subject === "CodeAgent") await runAgentCase(peer);
      else runParseCase(peer);
    },
    120_000,
  );
});
