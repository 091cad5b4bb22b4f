import {
  type Context,
  context as otelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from "@opentelemetry/api";
import type { MultiStepAgent, ObservedEvent, RunResult } from "@smol/core";
import {
  ATTR,
  conventionMessages,
  errorTypeOf,
  providerNameOf,
  responseDetails,
  toJsonAttribute,
} from "./attributes.js";

/** An open `execute_tool` span, and whether a managed agent's run already hangs under it. */
interface OpenTool {
  name: string;
  span: Span;
  context: Context;
  claimed: boolean;
}

/** The open spans of one run. */
interface RunSpans {
  span: Span;
  context: Context;
  chat?: Span;
  /** ToolCallingAgent calls, by call id. */
  tools: Map<string, OpenTool>;
  /** The CodeAgent's code action (`python_interpreter`) of the current step. */
  codeCallId?: string;
  code?: { span: Span; context: Context };
  /** Tools called from the code running now, by call id. */
  codeTools: Map<string, OpenTool>;
  /** Summed over the run's model calls; undefined once a call did not report its usage. */
  usage: { input: number; output: number } | undefined;
}

export interface RunTracerOptions {
  tracer: Tracer;
  recordContent: boolean;
  providerName?: string;
  /** The tracer of the agent that manages this one: its open tool spans parent this agent's runs. */
  manager?: RunTracer;
}

/**
 * Turns one agent's events into spans: `invoke_agent` per run, `chat` per model call,
 * `execute_tool` per tool call (the CodeAgent's code execution is one, the calls its code makes
 * are its children). Every span a run opened is ended by the run's end at the latest.
 */
export class RunTracer {
  readonly #runs = new Map<string, RunSpans>();

  constructor(
    readonly agent: MultiStepAgent<any>,
    readonly options: RunTracerOptions,
  ) {}

  handle(event: ObservedEvent): void {
    if (event.type === "run-start") {
      this.#startRun(event.runId, event.sessionId, event.task);
      return;
    }
    const run = this.#runs.get(event.runId);
    if (!run) return; // A run that started before instrumentAgent: not traced.
    switch (event.type) {
      case "model-call-start":
        run.chat = this.#startChat(run, event.modelId, event.sessionId, event);
        return;
      case "model-call-end":
        if (run.chat) this.#endChat(run, run.chat, event);
        run.chat = undefined;
        return;
      case "tool-call": {
        const { toolCall } = event;
        // A CodeAgent's action: traced as the code execution that follows.
        if (
          toolCall.name === "python_interpreter" &&
          !Object.hasOwn(this.agent.tools, "python_interpreter")
        ) {
          run.codeCallId = toolCall.id;
          return;
        }
        run.tools.set(
          toolCall.id,
          this.#startTool(run.context, toolCall.name, toolCall.id, toolCall.arguments),
        );
        return;
      }
      case "tool-output": {
        const open = run.tools.get(event.id);
        if (!open) return;
        run.tools.delete(event.id);
        this.#endTool(open.span, event.error, event.output);
        return;
      }
      case "code-execution-start":
        run.code = this.#startCode(run, event.code);
        return;
      case "code-tool-call": {
        const parent = run.code?.context ?? run.context;
        const { toolCall } = event;
        run.codeTools.set(
          toolCall.id,
          this.#startTool(parent, toolCall.name, toolCall.id, toolCall.arguments),
        );
        return;
      }
      case "code-tool-output": {
        const open = run.codeTools.get(event.toolCall.id);
        if (!open) return;
        run.codeTools.delete(event.toolCall.id);
        this.#endTool(open.span, event.error, event.output);
        return;
      }
      case "code-execution-end": {
        if (!run.code) return;
        const { span } = run.code;
        run.code = undefined;
        run.codeCallId = undefined;
        span.setAttribute(ATTR.codeDurationMs, event.durationMs);
        if (event.error !== undefined) failSpan(span, event.error);
        else if (event.result) {
          span.setAttribute(ATTR.codeFinalAnswer, event.result.isFinalAnswer);
          if (this.options.recordContent) {
            span.setAttribute(
              ATTR.toolCallResult,
              toJsonAttribute({ output: event.result.output, logs: event.result.logs }),
            );
          }
          // The code raised: an error of the step (shown to the model), and of this span.
          const codeError = event.result.error;
          if (codeError) {
            span.setAttribute(ATTR.errorType, codeError.type);
            span.recordException({ name: codeError.type, message: codeError.message });
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: `${codeError.type}: ${codeError.message}`,
            });
          }
        }
        span.end();
        return;
      }
      case "action-step":
        // Calls the step never ran (final_answer asked with other tools), or left open by an error.
        this.#endOpenTools(run, event.step.error);
        return;
      case "run-end":
        this.#endRun(event.runId, run, event.result);
        return;
      default:
        return;
    }
  }

  /** The most recent open tool span named `name` that no run hangs under yet; it is claimed. */
  claimToolSpan(name: string): Context | undefined {
    let found: OpenTool | undefined;
    for (const run of this.#runs.values()) {
      for (const open of [...run.tools.values(), ...run.codeTools.values()]) {
        if (open.name === name && !open.claimed) found = open;
      }
    }
    if (!found) return undefined;
    found.claimed = true;
    return found.context;
  }

  /** Ends every span still open (the instrumentation stops). */
  endAll(): void {
    for (const [runId, run] of this.#runs) {
      this.#endOpenTools(run, undefined);
      run.chat?.end();
      run.code?.span.end();
      run.span.end();
      this.#runs.delete(runId);
    }
  }

  get #provider(): string {
    return this.options.providerName ?? providerNameOf(this.agent.model);
  }

  #startRun(runId: string, sessionId: string, task: string): void {
    const { name, description, model } = this.agent;
    // A managed agent's run hangs under its manager's tool call; any other under what is active.
    const managerCall = name ? this.options.manager?.claimToolSpan(name) : undefined;
    const parent = managerCall ?? otelContext.active();
    const span = this.options.tracer.startSpan(
      name ? `invoke_agent ${name}` : "invoke_agent",
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR.operationName]: "invoke_agent",
          [ATTR.providerName]: this.#provider,
          [ATTR.requestModel]: model.modelId,
          [ATTR.conversationId]: sessionId,
          [ATTR.runId]: runId,
          ...(name ? { [ATTR.agentName]: name } : {}),
          ...(description ? { [ATTR.agentDescription]: description } : {}),
          ...(this.options.recordContent
            ? {
                [ATTR.inputMessages]: toJsonAttribute([
                  { role: "user", parts: [{ type: "text", content: task }] },
                ]),
              }
            : {}),
        },
      },
      parent,
    );
    this.#runs.set(runId, {
      span,
      context: trace.setSpan(parent, span),
      tools: new Map(),
      codeTools: new Map(),
      usage: { input: 0, output: 0 },
    });
  }

  #endRun(runId: string, run: RunSpans, result: RunResult): void {
    const { span } = run;
    this.#runs.delete(runId);
    const error = result.state === "error" ? result.error : undefined;
    // What is still open ends with the run, and for the same reason.
    this.#endOpenTools(run, error);
    if (run.chat) {
      if (error !== undefined) failSpan(run.chat, error);
      run.chat.end();
    }
    if (run.code) {
      if (error !== undefined) failSpan(run.code.span, error);
      run.code.span.end();
    }
    span.setAttribute(ATTR.runState, result.state);
    if (run.usage) {
      span.setAttribute(ATTR.inputTokens, run.usage.input);
      span.setAttribute(ATTR.outputTokens, run.usage.output);
    }
    if (this.options.recordContent && result.state !== "error") {
      span.setAttribute(
        ATTR.outputMessages,
        toJsonAttribute([
          { role: "assistant", parts: [{ type: "text", content: answerText(result.output) }] },
        ]),
      );
    }
    if (error !== undefined) failSpan(span, error);
    span.end();
  }

  #startChat(run: RunSpans, modelId: string, sessionId: string, event: { messages: unknown }): Span {
    return this.options.tracer.startSpan(
      `chat ${modelId}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR.operationName]: "chat",
          [ATTR.providerName]: this.#provider,
          [ATTR.requestModel]: modelId,
          [ATTR.conversationId]: sessionId,
          ...(this.options.recordContent
            ? { [ATTR.inputMessages]: toJsonAttribute(conventionMessages(event.messages as never)) }
            : {}),
        },
      },
      run.context,
    );
  }

  #endChat(run: RunSpans, span: Span, event: Extract<ObservedEvent, { type: "model-call-end" }>): void {
    if (event.error !== undefined || !event.message) {
      run.usage = undefined;
      failSpan(span, event.error);
      span.end();
      return;
    }
    const { message } = event;
    const usage = message.tokenUsage;
    if (usage) {
      span.setAttribute(ATTR.inputTokens, usage.inputTokens);
      span.setAttribute(ATTR.outputTokens, usage.outputTokens);
      if (run.usage) {
        run.usage.input += usage.inputTokens;
        run.usage.output += usage.outputTokens;
      }
    } else run.usage = undefined;
    const details = responseDetails(message);
    if (details.finishReasons) span.setAttribute(ATTR.finishReasons, details.finishReasons);
    if (details.id) span.setAttribute(ATTR.responseId, details.id);
    if (details.model) span.setAttribute(ATTR.responseModel, details.model);
    if (this.options.recordContent) {
      span.setAttribute(
        ATTR.outputMessages,
        toJsonAttribute(conventionMessages([message], details.finishReasons?.[0])),
      );
    }
    span.end();
  }

  #startTool(parent: Context, name: string, id: string, args: unknown): OpenTool {
    const tool = Object.hasOwn(this.agent.tools, name)
      ? this.agent.tools[name]
      : Object.hasOwn(this.agent.managedAgents, name)
        ? this.agent.managedAgents[name]
        : undefined;
    const span = this.options.tracer.startSpan(
      `execute_tool ${name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR.operationName]: "execute_tool",
          [ATTR.toolName]: name,
          [ATTR.toolCallId]: id,
          [ATTR.toolType]: "function",
          ...(tool?.description ? { [ATTR.toolDescription]: tool.description } : {}),
          ...(this.options.recordContent ? { [ATTR.toolCallArguments]: toJsonAttribute(args) } : {}),
        },
      },
      parent,
    );
    return { name, span, context: trace.setSpan(parent, span), claimed: false };
  }

  #endTool(span: Span, error: unknown, output: unknown): void {
    if (error !== undefined) failSpan(span, error);
    else if (this.options.recordContent) span.setAttribute(ATTR.toolCallResult, toJsonAttribute(output));
    span.end();
  }

  #startCode(run: RunSpans, code: string): { span: Span; context: Context } {
    const span = this.options.tracer.startSpan(
      "execute_tool python_interpreter",
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR.operationName]: "execute_tool",
          [ATTR.toolName]: "python_interpreter",
          [ATTR.toolType]: "extension",
          ...(run.codeCallId ? { [ATTR.toolCallId]: run.codeCallId } : {}),
          ...(this.options.recordContent ? { [ATTR.toolCallArguments]: toJsonAttribute(code) } : {}),
        },
      },
      run.context,
    );
    return { span, context: trace.setSpan(run.context, span) };
  }

  #endOpenTools(run: RunSpans, error: unknown): void {
    for (const open of [...run.tools.values(), ...run.codeTools.values()]) {
      if (error !== undefined) failSpan(open.span, error);
      open.span.end();
    }
    run.tools.clear();
    run.codeTools.clear();
  }
}

/** Status ERROR, `error.type`, and the error as an exception event. */
function failSpan(span: Span, error: unknown): void {
  const type = errorTypeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  span.setAttribute(ATTR.errorType, type);
  span.recordException(error instanceof Error ? error : { name: type, message });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function answerText(output: unknown): string {
  return typeof output === "string" ? output : toJsonAttribute(output);
}
