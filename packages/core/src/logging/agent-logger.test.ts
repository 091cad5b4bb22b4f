import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { SmolError } from "../errors.js";
import { AgentLogger, type AgentLoggerOptions, LogLevel } from "./index.js";
import { displayWidth } from "./styled-text.js";

const csi = "\u001b[";

function capture(options: AgentLoggerOptions = {}) {
  let text = "";
  const logger = new AgentLogger({ width: 60, color: false, ...options, output: (chunk) => (text += chunk) });
  return { logger, read: () => text, lines: () => text.replace(/\n$/, "").split("\n") };
}

/** A content row of a 60-column panel. */
function row(content: string, width = 60): string {
  return `│ ${content.padEnd(width - 4)} │`;
}

/** Calls every printing method once, with text that names the method. */
function logEverything(logger: AgentLogger) {
  logger.logTask("task text", { subtitle: "ScriptedModel - scripted" });
  logger.logRule("Step 1");
  logger.logMarkdown("model output text", { title: "Output message of the LLM:" });
  logger.logCode("print('code text')");
  logger.logToolCall("lookup", { query: "toolcall" });
  logger.logObservation("observation text");
  logger.logExecutionLogs("execution logs text");
  logger.logError("error text");
  logger.logFinalAnswer("final answer text");
  logger.logPlan("plan text", { initial: true });
  logger.logStepFooter({
    stepNumber: 1,
    durationSeconds: 0.1,
    tokenUsage: { inputTokens: 1, outputTokens: 2 },
  });
  logger.log("plain line text");
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("AgentLogger panels", () => {
  it("draws the New run panel with the model in its bottom border", () => {
    const { logger, lines } = capture();
    logger.logTask("What is 2 + 2?", { subtitle: "OpenAIModel - gpt-4o" });
    const [top, blankBefore, task, blankAfter, bottom, ...rest] = lines();
    expect(rest).toEqual([]);
    expect(top).toMatch(/^╭─+ New run ─+╮$/);
    expect(blankBefore).toBe(`│${" ".repeat(58)}│`);
    expect(task).toBe(row("What is 2 + 2?"));
    expect(blankAfter).toBe(blankBefore);
    expect(bottom).toMatch(/^╰─ OpenAIModel - gpt-4o ─+╯$/);
    for (const line of lines()) expect(displayWidth(line)).toBe(60);
  });

  it("adds the agent's name to the title", () => {
    const { logger, lines } = capture();
    logger.logTask("task", { title: "web_agent" });
    expect(lines()[0]).toMatch(/^╭─+ New run - web_agent ─+╮$/);
    expect(lines().at(-1)).toBe(`╰${"─".repeat(58)}╯`);
  });

  it("draws step rules across the full width with the title centred", () => {
    const { logger, read } = capture();
    logger.logRule("Step 3");
    expect(read()).toBe(`${"━".repeat(26)} Step 3 ${"━".repeat(26)}\n`);
  });

  it("numbers the lines of executed code", () => {
    const { logger, lines } = capture();
    logger.logCode('model_name = download(task="text-to-video")\nprint(model_name)\n');
    expect(lines()).toEqual([
      `╭─ Executing parsed code: ${"─".repeat(33)}╮`,
      row('  1 model_name = download(task="text-to-video")'),
      row("  2 print(model_name)"),
      `╰${"─".repeat(58)}╯`,
    ]);
  });

  it("wraps long code lines under an empty gutter and widens the gutter past nine lines", () => {
    const { logger, lines } = capture();
    const code = [
      ...Array.from({ length: 9 }, (_, index) => `x${index} = ${index}`),
      `y = "${"word ".repeat(20)}"`,
    ];
    logger.logCode(code.join("\n"), { title: "Executing this code:" });
    const output = lines();
    expect(output[0]).toMatch(/^╭─ Executing this code: ─+╮$/);
    expect(output[1]).toMatch(/^│ {4}1 x0 = 0 +│$/);
    expect(output[10]).toMatch(/^│ {3}10 y = "word word/);
    expect(output[11]).toMatch(/^│ {6}word/);
    for (const line of output) expect(displayWidth(line)).toBe(60);
  });

  it("shows tool calls with their arguments as JSON-like text", () => {
    const { logger, lines } = capture({ width: 80 });
    logger.logToolCall("web_search", { query: "smol", limit: 3 });
    expect(lines()).toEqual([
      `╭${"─".repeat(78)}╮`,
      row(`Calling tool: 'web_search' with arguments: {"query": "smol", "limit": 3}`, 80),
      `╰${"─".repeat(78)}╯`,
    ]);
  });

  it("wraps long panel lines at spaces, keeps every word, and breaks words wider than the panel", () => {
    const { logger, lines } = capture({ width: 30 });
    const words = Array.from({ length: 30 }, (_, index) => `word${index}`);
    const longWord = "x".repeat(70);
    logger.logTask(`${words.join(" ")} ${longWord}`, {});
    const body = lines()
      .slice(2, -2)
      .map((line) => line.slice(2, -2).trimEnd());
    for (const line of lines()) expect(displayWidth(line)).toBe(30);
    expect(body.length).toBeGreaterThan(6);
    for (const line of body) expect(line.startsWith(" ")).toBe(false);
    expect(body.join(" ").replace(/x /g, "x")).toBe(`${words.join(" ")} ${longWord}`);
  });

  it("measures wide characters and emoji as two cells", () => {
    const { logger, lines } = capture({ width: 36 });
    logger.logTask("日本語のタスク 😀 ".repeat(5), {});
    for (const line of lines()) expect(displayWidth(line)).toBe(36);
    expect(lines()[2]).toBe("│ 日本語のタスク 😀 日本語のタスク │");
    expect(lines()[3]).toBe(`│ 😀 日本語のタスク 😀${" ".repeat(12)} │`);
  });
});

describe("AgentLogger text lines", () => {
  it("prints observations, execution logs, errors, answers and plans", () => {
    const { logger, read } = capture();
    logger.logObservation("42");
    logger.logExecutionLogs("hello\n");
    logger.log("Out: None");
    logger.logFinalAnswer("ByteDance/AnimateDiff-Lightning", { label: "Out - Final answer" });
    logger.logFinalAnswer({ answer: 4 });
    logger.logError("Code execution failed");
    logger.logPlan("1. search", { initial: false });
    expect(read()).toBe(
      [
        "Observations: 42",
        "Execution logs:",
        "hello",
        "",
        "Out: None",
        "Out - Final answer: ByteDance/AnimateDiff-Lightning",
        'Final answer: {"answer": 4}',
        "Code execution failed",
        `${"─".repeat(23)} Updated plan ${"─".repeat(23)}`,
        "1. search",
        "",
      ].join("\n"),
    );
  });

  it("titles the model output with a left-aligned rule", () => {
    const { logger, lines } = capture({ level: LogLevel.DEBUG });
    logger.logMarkdown("Thought: done", { title: "Output message of the LLM:" });
    expect(lines()).toEqual([`Output message of the LLM: ${"─".repeat(33)}`, "Thought: done"]);
  });

  it("formats the step footer with thousands separators", () => {
    const { logger, read } = capture();
    logger.logStepFooter({
      stepNumber: 1,
      durationSeconds: 0.1,
      tokenUsage: { inputTokens: 4288, outputTokens: 148 },
    });
    logger.logStepFooter({
      stepNumber: 2,
      durationSeconds: 12.345,
      tokenUsage: { inputTokens: 1234567, outputTokens: 0 },
    });
    logger.logStepFooter({ stepNumber: 3 });
    expect(read()).toBe(
      "[Step 1: Duration 0.10 seconds | Input tokens: 4,288 | Output tokens: 148]\n" +
        "[Step 2: Duration 12.35 seconds | Input tokens: 1,234,567 | Output tokens: 0]\n" +
        "[Step 3]\n",
    );
  });
});

describe("AgentLogger levels", () => {
  it("prints nothing at all at OFF, not even errors", () => {
    const { logger, read } = capture({ level: LogLevel.OFF });
    logEverything(logger);
    expect(read()).toBe("");
  });

  it("prints only errors at ERROR", () => {
    const { logger, read } = capture({ level: LogLevel.ERROR });
    logEverything(logger);
    expect(read()).toBe("error text\n");
  });

  it("hides the model output at INFO and shows it at DEBUG", () => {
    const info = capture({ level: LogLevel.INFO });
    logEverything(info.logger);
    for (const text of ["task text", "Step 1", "code text", "toolcall", "observation text", "plan text"]) {
      expect(info.read()).toContain(text);
    }
    expect(info.read()).not.toContain("model output text");

    const debug = capture({ level: LogLevel.DEBUG });
    logEverything(debug.logger);
    expect(debug.read()).toContain("model output text");
    expect(debug.read()).toContain("Output message of the LLM:");
  });

  it("defaults to INFO and lets a call choose its own level", () => {
    const { logger, read } = capture();
    expect(logger.level).toBe(LogLevel.INFO);
    logger.log("debug detail", LogLevel.DEBUG);
    logger.log("shown", LogLevel.ERROR);
    expect(read()).toBe("shown\n");
  });

  it("rejects an unknown level or width with a clear error", () => {
    expect(() => new AgentLogger({ level: 5 as LogLevel, output: () => {} })).toThrow(SmolError);
    expect(() => new AgentLogger({ level: 5 as LogLevel, output: () => {} })).toThrow(/LogLevel.OFF/);
    expect(() => new AgentLogger({ width: 3, output: () => {} })).toThrow(/at least 12/);
  });
});

describe("AgentLogger colour", () => {
  it("writes no escape code in plain mode, even for text carrying its own", () => {
    const { logger, read } = capture({ level: LogLevel.DEBUG });
    logEverything(logger);
    logger.logObservation("\u001b[31mred from a tool\u001b[0m \u001b]0;title\u0007done\r\n");
    expect(read()).not.toContain("\u001b");
    expect(read()).toContain("Observations: red from a tool done\n");
  });

  it("colours the output when colour is forced", () => {
    const { logger, read } = capture({ color: true, level: LogLevel.DEBUG });
    logger.logCode("def f():\n    return 'x'");
    logger.logError("boom");
    logger.logStepFooter({ stepNumber: 1 });
    expect(read()).toContain(`${csi}38;5;197mdef${csi}0m`);
    expect(read()).toContain(`${csi}38;5;186m'x'${csi}0m`);
    expect(read()).toContain(`${csi}1;38;5;196mboom${csi}0m`);
    expect(read()).toContain(`${csi}2m[Step 1]${csi}0m`);
  });

  it("keeps the structure identical with and without colour", () => {
    const plain = capture({ level: LogLevel.DEBUG });
    const colored = capture({ level: LogLevel.DEBUG, color: true });
    logEverything(plain.logger);
    logEverything(colored.logger);
    expect(colored.read()).not.toBe(plain.read());
    expect(
      colored
        .read()
        .replaceAll(csi, "<")
        .replace(/<[\d;]*m/g, ""),
    ).toBe(plain.read());
  });

  it("follows NO_COLOR and FORCE_COLOR when no colour option is given", () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
    vi.stubEnv("FORCE_COLOR", undefined);
    vi.stubEnv("NO_COLOR", "1");
    expect(new AgentLogger({ output: terminal }).color).toBe(false);

    vi.stubEnv("NO_COLOR", undefined);
    vi.stubEnv("FORCE_COLOR", "1");
    expect(new AgentLogger({ output: () => {} }).color).toBe(true);
    expect(new AgentLogger({ output: new PassThrough() }).color).toBe(true);

    vi.stubEnv("FORCE_COLOR", undefined);
    vi.stubEnv("TERM", "xterm-256color");
    expect(new AgentLogger({ output: new PassThrough() }).color).toBe(false);
    expect(new AgentLogger({ output: terminal }).color).toBe(true);
  });
});

describe("AgentLogger output", () => {
  it("writes to a stream, sized by the terminal's columns", () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, columns: 40 });
    const logger = new AgentLogger({ output: terminal, color: false });
    logger.logRule("Step 1");
    terminal.columns = 20;
    logger.logRule("Step 2");
    expect(terminal.read().toString()).toBe(
      `${"━".repeat(16)} Step 1 ${"━".repeat(16)}\n${"━".repeat(6)} Step 2 ${"━".repeat(6)}\n`,
    );
  });

  it("uses 100 columns when the stream is not a terminal", () => {
    const pipe = new PassThrough();
    new AgentLogger({ output: pipe }).logRule("");
    expect(pipe.read().toString()).toBe(`${"━".repeat(100)}\n`);
  });
});
