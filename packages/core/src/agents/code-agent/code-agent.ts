import { AgentConfigurationError, AgentExecutionError, AgentParsingError } from "../../errors.js";
import { untilAborted } from "../../executors/abortable.js";
import { authorizedImports } from "../../executors/authorized-imports.js";
import { createExecutor, type ExecutorType } from "../../executors/create-executor.js";
import type { CodeError, CodeOutput, PythonExecutor } from "../../executors/python-executor.js";
import { encodedValue } from "../../executors/tagged-values.js";
import { DEFAULT_MAX_PRINT_OUTPUTS_LENGTH, truncateContent } from "../../executors/truncate.js";
import type { ActionStep, ToolCall } from "../../memory/steps.js";
import { messageText } from "../../models/messages.js";
import type { ResponseFormat } from "../../models/model.js";
import type { PromptTemplates } from "../../prompts/prompt-templates.js";
import { renderTemplate } from "../../prompts/render-template.js";
import type { Tool } from "../../tools/tool.js";
import type { ActionOutput, MultiStepAgentOptions, StepContext } from "../agent-options.js";
import {
  type AgentSession,
  closedSessionError,
  type SessionOptions,
  sessionRunState,
} from "../agent-session.js";
import type { ApprovalRequestEvent } from "../approvals.js";
import type { BaseToolsOptions } from "../base-tools.js";
import { EventChannel } from "../event-channel.js";
import type { AgentDetailEvent, AgentEvent } from "../events.js";
import { MultiStepAgent, stringifyValue } from "../multi-step-agent.js";
import { formatPythonValue } from "../value-text.js";
import {
  CODE_AGENT_MANAGED_AGENTS_SECTION,
  CODE_AGENT_PROMPT_TEMPLATES,
  CODE_AGENT_STRUCTURED_OUTPUT_NOTE,
} from "./code-agent-prompt.js";
import {
  type CodeBlockTags,
  fixFinalAnswerCode,
  missingCodeMessage,
  type ParsedCode,
  parseCodeBlobs,
  parseStructuredCodeOutput,
  resolveCodeBlockTags,
} from "./code-parsing.js";
import { type CodeToolApproval, ObservedTool } from "./observed-tool.js";

export interface CodeAgentOptions<Output = unknown> extends MultiStepAgentOptions<Output> {
  /**
   * Modules the code may import on top of the safe standard ones (collections, datetime,
   * itertools, json, math, queue, random, re, stat, statistics, time, unicodedata).
   * `"numpy.*"` allows a package and its submodules; `"*"` allows everything.
   */
  additionalAuthorizedImports?: string[];
  /** An executor you built; the agent cleans it up when it is disposed. */
  executor?: PythonExecutor;
  /** Which executor to build when `executor` is not given. Default `"local"` (the sandbox). */
  executorType?: ExecutorType;
  /** Options for that executor (`timeoutSeconds`, `memoryLimitMb`, `image`, …). */
  executorOptions?: Record<string, unknown>;
  /** Longest print output the model sees, keeping head and tail. Default 50,000 characters. */
  maxPrintOutputsLength?: number;
  /** Ask the model for JSON `{ thought, code }` through structured outputs instead of tags. */
  useStructuredOutputsInternally?: boolean;
  /** `<code>`…`</code>` by default; `"markdown"` for fenced python blocks; or your own pair. */
  codeBlockTags?: "markdown" | CodeBlockTags;
}

/** Options of `codeAgent.session()`. */
export interface CodeAgentSessionOptions extends SessionOptions {
  /**
   * An executor you built, for this session only (the session cleans it up when it closes).
   * By default the session builds its own from the agent's `executorType` and `executorOptions`.
   */
  executor?: PythonExecutor;
}

/** A session's executor: given, or built at its first run; and the tools and state sent to it. */
interface ExecutorSlot {
  executor?: PythonExecutor;
  creation?: Promise<PythonExecutor>;
  /** Tools and state sent to the executor for the current run; awaited before running code. */
  ready?: Promise<void>;
  /**
   * Where the tool calls of the code running now are reported (see `ObservedTool`), and their
   * approval requests; resolves once the event is published.
   */
  reportToolEvent?: (event: AgentDetailEvent | ApprovalRequestEvent) => Promise<void>;
  /** An approval the code's call could not get (an interrupt, a failing onApproval): ends the run. */
  approvalFailure?: { error: unknown };
}

/** The model's last value is cut to this length in the observation (prints have their own limit). */
const MAX_LAST_OUTPUT_LENGTH = 20_000;

const STRUCTURED_CODE_FORMAT: ResponseFormat = {
  type: "json_schema",
  jsonSchema: {
    name: "ThoughtAndCodeAnswer",
    strict: true,
    schema: {
      type: "object",
      properties: {
        thought: { type: "string", description: "What you know and what you will do next." },
        code: { type: "string", description: "The Python code to run." },
      },
      required: ["thought", "code"],
      additionalProperties: false,
    },
  },
};

/**
 * An agent that acts by writing Python. Each step, the model writes a thought and a snippet;
 * the executor runs it (by default in the local sandbox: Pyodide inside a Deno process with no
 * permission on the host) where every tool and managed agent is a plain Python function whose
 * calls come back to the host. Prints and the last value are the observation; `final_answer(x)`
 * in the code ends the run. Dispose of the agent (`await using`) to stop its sandbox.
 *
 * @example
 * await using agent = new CodeAgent({ tools: [], model, additionalAuthorizedImports: ["numpy.*"] });
 * const answer = await agent.run("Could you give me the 118th number in the Fibonacci sequence?");
 */
export class CodeAgent<Output = unknown> extends MultiStepAgent<Output> {
  readonly additionalAuthorizedImports: string[];
  /** The full allow-list the code runs with. */
  readonly authorizedImports: string[];
  readonly executorType: ExecutorType;
  readonly executorOptions: Record<string, unknown>;
  readonly maxPrintOutputsLength: number;
  readonly useStructuredOutputsInternally: boolean;
  readonly codeBlockTags: CodeBlockTags;

  /** The executor given in the options: the default session's, which other sessions cannot share. */
  readonly #givenExecutor: PythonExecutor | undefined;
  /** Each session's executor: its own Python variables. */
  readonly #executorSlots = new WeakMap<AgentSession, ExecutorSlot>();

  constructor(options: CodeAgentOptions<Output>) {
    super(options);
    this.additionalAuthorizedImports = [...(options.additionalAuthorizedImports ?? [])];
    for (const entry of this.additionalAuthorizedImports) {
      if (
        typeof entry !== "string" ||
        !/^(\*|[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)*(\.\*)?)$/.test(entry.trim())
      ) {
        throw new AgentConfigurationError(
          `additionalAuthorizedImports has an invalid entry ${JSON.stringify(entry)}: use a module name ("numpy"), ` +
            `a package with its submodules ("numpy.*") or "*" for everything.`,
        );
      }
    }
    this.authorizedImports = authorizedImports(this.additionalAuthorizedImports);
    this.executorType = options.executorType ?? "local";
    this.executorOptions = { ...(options.executorOptions ?? {}) };
    this.maxPrintOutputsLength = options.maxPrintOutputsLength ?? DEFAULT_MAX_PRINT_OUTPUTS_LENGTH;
    this.useStructuredOutputsInternally = options.useStructuredOutputsInternally ?? false;
    this.codeBlockTags = resolveCodeBlockTags(options.codeBlockTags);
    this.#givenExecutor = options.executor;
    this.#executorSlots.set(this.defaultSession, { executor: options.executor });
  }

  /** The default session's executor, once created (at the first run, or given in the options). */
  get pythonExecutor(): PythonExecutor | undefined {
    return this.#slotOf(this.defaultSession).executor;
  }

  /**
   * Opens a session with its own executor (its own Python variables), built from the agent's
   * `executorType` and `executorOptions` at the session's first run, or given in `options`.
   */
  override session(options: CodeAgentSessionOptions = {}): AgentSession<Output> {
    if (!options.executor && this.#givenExecutor) {
      throw new AgentConfigurationError(
        "This CodeAgent was given an executor instance, which only its default session can use. " +
          "Give each session its own (agent.session({ executor })), or build the agent with " +
          "executorType and executorOptions so that each session builds one.",
      );
    }
    const session = super.session(options);
    this.#executorSlots.set(session, { executor: options.executor });
    return session;
  }

  #slotOf(session: AgentSession): ExecutorSlot {
    let slot = this.#executorSlots.get(session);
    if (!slot) {
      slot = {};
      this.#executorSlots.set(session, slot);
    }
    return slot;
  }

  protected override defaultPromptTemplates(): PromptTemplates {
    return CODE_AGENT_PROMPT_TEMPLATES;
  }

  protected override baseToolsOptions(): BaseToolsOptions {
    return { codeAgent: true };
  }

  protected override formatToolForPrompt(tool: Tool): string {
    return tool.toCodePrompt();
  }

  protected override promptVariables(): Record<string, string | number> {
    const variables = super.promptVariables();
    const [codeBlockOpeningTag, codeBlockClosingTag] = this.codeBlockTags;
    const tagVariables = { codeBlockOpeningTag, codeBlockClosingTag };
    const managedAgentsSection = variables.managedAgents
      ? renderTemplate(CODE_AGENT_MANAGED_AGENTS_SECTION, {
          ...tagVariables,
          managedAgents: variables.managedAgents,
        })
      : "";
    const imports = this.authorizedImports.includes("*")
      ? "any module (every import is allowed)"
      : this.authorizedImports.join(", ");
    return { ...variables, ...tagVariables, managedAgentsSection, authorizedImports: imports };
  }

  protected override initializeSystemPrompt(): string {
    const prompt = super.initializeSystemPrompt();
    return this.useStructuredOutputsInternally ? `${prompt}\n${CODE_AGENT_STRUCTURED_OUTPUT_NOTE}` : prompt;
  }

  protected override describeAdditionalArgs(additionalArgs: Record<string, unknown>): string {
    return (
      "You are also given these additional arguments; each one is already a Python variable of the same name " +
      `in your code:\n${stringifyValue(additionalArgs)}`
    );
  }

  /**
   * Starts the executor and sends it the tools and the state without waiting: the sandbox boots
   * while the model writes its first step. The step awaits it before running code.
   */
  protected override async beforeRun(context: {
    reset: boolean;
    signal?: AbortSignal;
    session: AgentSession;
  }): Promise<void> {
    await super.beforeRun(context);
    const { session } = context;
    const slot = this.#slotOf(session);
    const approve: CodeToolApproval = async (tool, args) => {
      try {
        return await this.decideToolApproval(session, { tool, args }, (event) =>
          slot.reportToolEvent?.(event),
        );
      } catch (error) {
        slot.approvalFailure ??= { error };
        throw error;
      }
    };
    const tools = this.toolsAndManagedAgentsOf(session).map(
      (tool) => new ObservedTool(tool, (event) => slot.reportToolEvent?.(event), approve),
    );
    const variables = { ...session.state };
    const runState = sessionRunState(session);
    const restored = runState.pendingPython;
    const ready = (async () => {
      const executor = await this.#ensureExecutor(session);
      await executor.start?.();
      await executor.sendTools(tools);
      if (restored && Object.keys(restored.variables).length > 0) {
        // Sent in their wire encoding, as the runtime gave them: they come back as they were.
        await executor.sendVariables(
          Object.fromEntries(
            Object.entries(restored.variables).map(([name, wire]) => [name, encodedValue(wire)]),
          ),
        );
      }
      if (runState.pendingPython === restored) runState.pendingPython = undefined;
      if (Object.keys(variables).length > 0) await executor.sendVariables(variables);
    })();
    // Observed in the step; this keeps a failure from being reported as unhandled meanwhile.
    ready.catch(() => {});
    this.#slotOf(session).ready = ready;
  }

  protected override restoresPythonVariables(): boolean {
    return true;
  }

  /**
   * Reads the session's Python variables for its snapshot (`session.toJSON()`), once the run's
   * steps are over. A failure is written in the snapshot rather than failing the run.
   */
  protected override async afterRun(context: { session: AgentSession; signal?: AbortSignal }): Promise<void> {
    await super.afterRun(context);
    const { session } = context;
    const executor = this.#slotOf(session).executor;
    const runState = sessionRunState(session);
    // No executor yet (the run ended before its first code), or restored variables still to
    // send: what the snapshot holds is still right. An aborted run's runtime may be stuck or
    // restarting: the run ends at once, and the snapshot keeps the variables of the run before.
    if (!executor || session.isClosed || runState.pendingPython || context.signal?.aborted) return;
    if (!executor.getVariables) {
      runState.python = {
        variables: {},
        uncarried: [],
        omitted: 0,
        error: `${executor.constructor.name} cannot list its Python variables (it has no getVariables).`,
      };
      return;
    }
    try {
      const { values, uncarried, omitted } = await executor.getVariables();
      runState.python = { variables: values, uncarried, omitted };
    } catch (error) {
      runState.python = {
        variables: {},
        uncarried: [],
        omitted: 0,
        error: `The Python variables could not be read: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  async #ensureExecutor(session: AgentSession): Promise<PythonExecutor> {
    const slot = this.#slotOf(session);
    if (slot.executor) return slot.executor;
    // A session closed during its run must not start a sandbox that nothing would stop.
    if (session.isClosed) throw closedSessionError(session);
    slot.creation ??= createExecutor(this.executorType, {
      additionalAuthorizedImports: this.additionalAuthorizedImports,
      maxPrintOutputsLength: this.maxPrintOutputsLength,
      ...this.executorOptions,
    }).then((executor) => {
      slot.executor = executor;
      return executor;
    });
    try {
      return await slot.creation;
    } catch (error) {
      slot.creation = undefined;
      throw error;
    }
  }

  protected override get actsInCode(): boolean {
    return true;
  }

  protected override async *stepStream(
    actionStep: ActionStep,
    context: StepContext,
  ): AsyncGenerator<AgentEvent | AgentDetailEvent, ActionOutput> {
    const session = this.sessionOf(context);
    const inputMessages = session.writeMemoryToMessages();
    actionStep.modelInputMessages = inputMessages;
    const message = yield* this.generateModelOutput(inputMessages, {
      stopSequences: this.#stopSequences(),
      responseFormat: this.useStructuredOutputsInternally ? STRUCTURED_CODE_FORMAT : undefined,
      signal: context.signal,
    });
    const output = this.useStructuredOutputsInternally
      ? messageText(message)
      : this.#closeCodeBlock(messageText(message));
    // Memory keeps the completed output, so the model sees well-formed steps in its history.
    actionStep.modelOutputMessage = { ...message, content: output };
    actionStep.modelOutput = output;
    actionStep.tokenUsage = message.tokenUsage;
    yield { type: "model-output", text: output };

    const parsed = this.#parseCode(output);
    const code = fixFinalAnswerCode(parsed.code);
    actionStep.codeAction = code;
    const toolCall: ToolCall = {
      id: `call_${actionStep.stepNumber}`,
      name: "python_interpreter",
      arguments: code,
    };
    actionStep.toolCalls = [toolCall];
    yield { type: "tool-call", toolCall };

    // The sandbox's setup has deadlines of its own; the run's signal does not wait for them.
    await untilAborted(this.#slotOf(session).ready ?? Promise.resolve(), context.signal);
    const executor = await this.#ensureExecutor(session);
    const result = yield* this.#runCode(executor, code, session, context.signal);
    const { approvalFailure } = this.#slotOf(session);
    if (approvalFailure) {
      // Not the model's mistake: the run ends (interrupted, or with onApproval's error).
      this.#slotOf(session).approvalFailure = undefined;
      throw approvalFailure.error;
    }
    if (result.error) {
      actionStep.observations = result.logs ? `Execution logs:\n${result.logs}` : undefined;
      throw this.#executionError(result.error, parsed, output);
    }
    actionStep.observations = observationOf(result);
    actionStep.actionOutput = result.output;
    return { output: result.output, isFinalAnswer: result.isFinalAnswer };
  }

  /**
   * Runs the code; meanwhile yields the tool calls the code makes, as they happen, between
   * `code-execution-start` and `code-execution-end` (detail events: observers see them, the
   * stream does not), and the `approval-request` of a call that waits for approval (the stream
   * yields it: the code is blocked on that call until the decision). Returns the executor's
   * output; its exceptions go on unchanged.
   */
  async *#runCode(
    executor: PythonExecutor,
    code: string,
    session: AgentSession,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<AgentDetailEvent | ApprovalRequestEvent, CodeOutput> {
    const slot = this.#slotOf(session);
    slot.approvalFailure = undefined;
    const reported = new EventChannel<AgentDetailEvent | ApprovalRequestEvent>();
    slot.reportToolEvent = (event) => reported.send(event);
    yield { type: "code-execution-start", code };
    const startTime = performance.now();
    try {
      let result: CodeOutput;
      try {
        // The code's tool calls and approval requests are yielded as they come, until it ends.
        result = yield* reported.until(executor.run(code, { signal }));
      } catch (error) {
        yield { type: "code-execution-end", code, error, durationMs: performance.now() - startTime };
        throw error;
      }
      yield { type: "code-execution-end", code, result, durationMs: performance.now() - startTime };
      return result;
    } finally {
      slot.reportToolEvent = undefined;
      // A reader that stopped early must not leave a tool call waiting.
      reported.release();
    }
  }

  /** Stop before the model writes the observation itself; and at the closing tag when it is safe. */
  #stopSequences(): string[] {
    const [opening, closing] = this.codeBlockTags;
    const stops = ["Observation:", "Calling tools:"];
    // A closing tag inside the opening one (``` in ```python) would stop the model at its start.
    if (!this.useStructuredOutputsInternally && !opening.includes(closing)) stops.push(closing);
    return stops;
  }

  /** The closing tag is a stop sequence, so providers often cut it off: put it back. */
  #closeCodeBlock(text: string): string {
    const [opening, closing] = this.codeBlockTags;
    const lastOpening = text.lastIndexOf(opening);
    if (lastOpening === -1) return text;
    const afterOpening = text.slice(lastOpening + opening.length);
    return afterOpening.includes(closing) ? text : `${text}${text.endsWith("\n") ? "" : "\n"}${closing}`;
  }

  #parseCode(output: string): ParsedCode {
    try {
      if (this.useStructuredOutputsInternally)
        return { code: parseStructuredCodeOutput(output).code, source: "tags" };
      return parseCodeBlobs(output, this.codeBlockTags);
    } catch (error) {
      if (!AgentParsingError.isInstance(error)) throw error;
      throw new AgentParsingError(
        `Error in code parsing:\n${error.message}\nMake sure to provide correct code blobs.`,
        {
          cause: error,
        },
      );
    }
  }

  #executionError(
    error: CodeError,
    parsed: ParsedCode,
    output: string,
  ): AgentExecutionError | AgentParsingError {
    // Untagged text that is not Python was never meant as code: say what format we expected.
    if (parsed.source === "whole-text" && error.type === "SyntaxError") {
      return new AgentParsingError(
        `Error in code parsing:\n${missingCodeMessage(output, this.codeBlockTags)}\nMake sure to provide correct code blobs.`,
      );
    }
    const where = error.line !== undefined ? ` at line ${error.line}` : "";
    const details = error.traceback ? `\n${error.traceback}` : "";
    return new AgentExecutionError(
      `Code execution failed${where} due to: ${error.type}: ${error.message}${details}`,
    );
  }

  /**
   * Stops a session's executor (whether it was built or given), after what every agent frees.
   * `cleanup()` calls it for the default session and every open one. Safe to call twice.
   */
  protected override async releaseSession(session: AgentSession): Promise<void> {
    const slot = this.#slotOf(session);
    const executor = slot.executor ?? (await slot.creation?.catch(() => undefined));
    slot.executor = undefined;
    slot.creation = undefined;
    slot.ready = undefined;
    await executor?.cleanup();
    await super.releaseSession(session);
  }

  override toDict(): Record<string, unknown> {
    return {
      ...super.toDict(),
      authorizedImports: this.additionalAuthorizedImports,
      executorType: this.executorType,
      executorOptions: this.executorOptions,
      maxPrintOutputsLength: this.maxPrintOutputsLength,
      useStructuredOutputsInternally: this.useStructuredOutputsInternally,
      codeBlockTags: this.codeBlockTags,
    };
  }
}

function observationOf(result: CodeOutput): string {
  const lastOutput = truncateContent(formatPythonValue(result.output), MAX_LAST_OUTPUT_LENGTH);
  return `Execution logs:\n${result.logs}\nLast output from code snippet:\n${lastOutput}`;
}
