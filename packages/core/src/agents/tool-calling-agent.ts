import { AgentConfigurationError, AgentToolCallError } from "../errors.js";
import type { ActionStep, ToolCallResult } from "../memory/steps.js";
import { messageText } from "../models/messages.js";
import type { ToolSpec } from "../models/model.js";
import { TOOL_CALLING_AGENT_PROMPT_TEMPLATES } from "../prompts/defaults.js";
import type { PromptTemplates } from "../prompts/prompt-templates.js";
import type { ActionOutput, MultiStepAgentOptions, StepContext } from "./agent-options.js";
import type { AgentSession } from "./agent-session.js";
import { EventChannel } from "./event-channel.js";
import type { AgentDetailEvent, AgentEvent } from "./events.js";
import { MultiStepAgent } from "./multi-step-agent.js";
import { type ParsedToolCall, toolCallsFromMessage } from "./tool-call-parsing.js";
import { runConcurrently, runToolCall, type ToolCallContext } from "./tool-execution.js";

export interface ToolCallingAgentOptions<Output = unknown> extends MultiStepAgentOptions<Output> {
  /** How many tool calls of one step may run at the same time. Default: all of them. */
  maxToolThreads?: number;
}

/** Cut the model's output if it starts writing the observation itself. */
const STOP_SEQUENCES = ["Observation:", "Calling tools:"];

/**
 * An agent whose actions are JSON tool calls: native tool calls when the model's API has them,
 * else a JSON object parsed from its text. Calls of one step run concurrently, each answered by
 * its own tool response; the run ends when the model calls `final_answer`.
 *
 * @example
 * const weather = tool(
 *   { name: "get_weather", description: "Current weather in a city.",
 *     inputs: { city: { type: "string", description: "The city." } }, outputType: "string" },
 *   async ({ city }) => `Sunny in ${city}`,
 * );
 * const agent = new ToolCallingAgent({ tools: [weather], model });
 * await agent.run("What's the weather like in Paris?");
 */
export class ToolCallingAgent<Output = unknown> extends MultiStepAgent<Output> {
  readonly maxToolThreads: number | undefined;
  #toolSpecs: ToolSpec[] | undefined;

  constructor(options: ToolCallingAgentOptions<Output>) {
    super(options);
    const { maxToolThreads } = options;
    if (maxToolThreads !== undefined && (!Number.isInteger(maxToolThreads) || maxToolThreads < 1)) {
      throw new AgentConfigurationError(
        `maxToolThreads must be a whole number, at least 1; got ${maxToolThreads}.`,
      );
    }
    this.maxToolThreads = maxToolThreads;
  }

  protected override defaultPromptTemplates(): PromptTemplates {
    return TOOL_CALLING_AGENT_PROMPT_TEMPLATES;
  }

  protected override async beforeRun(context: {
    reset: boolean;
    signal?: AbortSignal;
    session: AgentSession;
  }): Promise<void> {
    await super.beforeRun(context);
    // Computed once per run rather than at every step: the tools do not change during a run.
    // Every session has the same schemas (only where a managed agent runs differs).
    this.#toolSpecs = this.toolsAndManagedAgents.map((tool) => tool.toJsonSchema());
  }

  protected override async *stepStream(
    actionStep: ActionStep,
    context: StepContext,
  ): AsyncGenerator<AgentEvent | AgentDetailEvent, ActionOutput> {
    const session = this.sessionOf(context);
    const inputMessages = session.writeMemoryToMessages();
    actionStep.modelInputMessages = inputMessages;
    // Set in beforeRun; `step()` may be called outside of a run.
    this.#toolSpecs ??= this.toolsAndManagedAgents.map((tool) => tool.toJsonSchema());
    const message = yield* this.generateModelOutput(inputMessages, {
      stopSequences: STOP_SEQUENCES,
      toolsToCallFrom: this.#toolSpecs,
      toolChoice: "required",
      signal: context.signal,
    });
    actionStep.modelOutputMessage = message;
    actionStep.modelOutput = messageText(message);
    actionStep.tokenUsage = message.tokenUsage;
    yield { type: "model-output", text: actionStep.modelOutput };

    const calls = toolCallsFromMessage(message);
    actionStep.toolCalls = calls.map((call) => call.toolCall);
    if (calls.length > 1 && calls.some((call) => call.toolCall.name === "final_answer")) {
      throw new AgentToolCallError(
        "You called final_answer together with other tools. Nothing was run: call the other tools first, " +
          "read their results, then call final_answer alone in a step of its own.",
        "final_answer",
      );
    }
    for (const call of calls) yield { type: "tool-call", toolCall: call.toolCall };

    const results = yield* this.#runToolCalls(calls, session, context.signal);
    actionStep.toolResults = results;
    actionStep.observations = results
      .map((result) => `Call ${result.id} (${result.name}): ${result.observation}`)
      .join("\n");
    const failure = results.find((result) => result.error)?.error;
    if (failure) throw failure;

    const finalCall = results.length === 1 && results[0]!.name === "final_answer" ? results[0] : undefined;
    if (!finalCall) return { output: undefined, isFinalAnswer: false };
    let answer = finalCall.output;
    if (typeof answer === "string" && Object.hasOwn(session.state, answer)) answer = session.state[answer];
    actionStep.actionOutput = answer;
    return { output: answer, isFinalAnswer: true };
  }

  /**
   * Runs the calls concurrently; yields a `tool-output` per call as it ends, and the
   * `approval-request` of each call that waits for approval; returns results in call order.
   */
  async *#runToolCalls(
    calls: ParsedToolCall[],
    session: AgentSession,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<AgentEvent, ToolCallResult[]> {
    const managedAgentTools = this.managedAgentToolsOf(session);
    const approvalRequests = new EventChannel<AgentEvent>();
    // An approval that could not be had (an interrupt, a failing onApproval) ends the run once
    // the step's calls are over; the call's own result only says that it did not run.
    let approvalFailure: { error: unknown } | undefined;
    const toolContext: ToolCallContext = {
      tools: { ...this.tools, ...managedAgentTools },
      managedAgentNames: new Set(Object.keys(managedAgentTools)),
      state: session.state,
      signal,
      approve: async (tool, args, toolCallId) => {
        try {
          return await this.decideToolApproval(session, { tool, args, toolCallId }, (event) =>
            approvalRequests.send(event),
          );
        } catch (error) {
          approvalFailure ??= { error };
          throw error;
        }
      },
    };
    const results: ToolCallResult[] = new Array(calls.length);
    const limit = this.maxToolThreads ?? calls.length;
    const running = runConcurrently(calls, limit, (call) => runToolCall(call, toolContext));
    try {
      for (;;) {
        // While the calls run, the approval requests they raise are yielded as they come.
        const next = yield* approvalRequests.until(running.next());
        if (next.done) break;
        const { index, result } = next.value;
        results[index] = result;
        yield {
          type: "tool-output",
          id: result.id,
          toolCall: calls[index]!.toolCall,
          output: result.output,
          observation: result.observation,
          isFinalAnswer: result.name === "final_answer" && !result.error,
          ...(result.error ? { error: result.error } : {}),
        };
      }
    } finally {
      approvalRequests.release();
    }
    if (approvalFailure) throw approvalFailure.error;
    return results;
  }
}
