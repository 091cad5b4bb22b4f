import { type TracerProvider, trace } from "@opentelemetry/api";
import type { MultiStepAgent } from "@smol/core";
import { RunTracer } from "./run-tracer.js";

export interface InstrumentAgentOptions {
  /** Where the spans go. Default: the global tracer provider (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /**
   * Record contents: the messages sent to and received from the model, the task and the
   * answer, tool arguments and results, the code and its output. Off by default: they may hold
   * secrets and personal data.
   */
  recordContent?: boolean;
  /**
   * `gen_ai.provider.name`, when the model's class does not say it well (an `OpenAIModel`
   * pointed at another OpenAI-compatible server, a model of your own).
   */
  providerName?: string;
}

/** What `instrumentAgent` returns. */
export interface AgentInstrumentation {
  /** Detaches from the agent (and its managed agents); spans still open are ended. */
  stop(): void;
}

/** The name this package's tracer has. */
export const TRACER_NAME = "@smol/otel";

/**
 * Traces the agent's runs by the OpenTelemetry GenAI semantic conventions: an
 * `invoke_agent {name}` span per run, a `chat {model}` span per model call, an
 * `execute_tool {tool}` span per tool call, an `execute_tool python_interpreter` span per code
 * execution of a CodeAgent with the tool calls made from its code under it. Its managed agents
 * are traced too, each run under the manager's tool call that started it. Every run of every
 * session is traced until `stop()`.
 *
 * @example
 * const instrumentation = instrumentAgent(agent, { tracerProvider });
 * await agent.run("What is 2 + 2?");
 * instrumentation.stop();
 */
export function instrumentAgent(
  agent: MultiStepAgent<any>,
  options: InstrumentAgentOptions = {},
): AgentInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME);
  const recordContent = options.recordContent ?? false;
  const tracers: RunTracer[] = [];
  const unsubscribes: (() => void)[] = [];
  const seen = new Set<MultiStepAgent<any>>();
  const attach = (current: MultiStepAgent<any>, manager: RunTracer | undefined) => {
    // An agent managed twice in the tree is traced once, under the first manager found.
    if (seen.has(current)) return;
    seen.add(current);
    const runTracer = new RunTracer(current, {
      tracer,
      recordContent,
      providerName: options.providerName,
      manager,
    });
    tracers.push(runTracer);
    unsubscribes.push(current.onEvent((event) => runTracer.handle(event)));
    for (const managed of Object.values(current.managedAgents)) attach(managed, runTracer);
  };
  attach(agent, undefined);
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const unsubscribe of unsubscribes) unsubscribe();
      for (const runTracer of tracers) runTracer.endAll();
    },
  };
}
