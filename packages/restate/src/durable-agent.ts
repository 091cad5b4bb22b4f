import * as restate from "@restatedev/restate-sdk";
import type {
  ChatMessage,
  CodeOutput,
  GenerateOptions,
  Model,
  MultiStepAgent,
  PythonExecutor,
  Tool,
} from "@smol/core";
import { errorFromJournal, type JournaledError, toJsonSafe } from "./json-safe.js";

/** What the journal wrappers need from the run around them. */
export interface JournalHooks {
  /** Called before each journaled step (stores the events seen so far). */
  beforeStep(): Promise<void>;
}

/**
 * Makes one agent's model, host tools and Python executor journaled steps of a Restate
 * invocation: each `generate` and each tool `forward` runs inside `ctx.run`, so a replay after a
 * crash gets the journaled result back instead of calling the model or the tool again. The agent
 * loop itself is re-executed from the start on replay; since every input it reads comes from the
 * journal, it takes the same path again.
 *
 * The agent is changed in place: `agentObject` builds a fresh agent for each invocation attempt,
 * so nothing else shares it.
 */
export function makeAgentDurable(
  agent: MultiStepAgent<any>,
  ctx: restate.ObjectContext,
  hooks: JournalHooks,
): void {
  const interruptOnCancel = (error: unknown): never => {
    // Restate's cancellation (the `interrupt` handler) surfaces as the error of the step the run
    // waits on. Tool errors are observations and model errors may be retried by the loop, so the
    // agent is interrupted explicitly: the run then ends with AgentInterruptedError.
    if (error instanceof restate.CancelledError) agent.interrupt();
    throw error;
  };
  journalModel(agent.model, ctx, hooks, interruptOnCancel);
  for (const tool of Object.values(agent.tools)) journalTool(tool, ctx, hooks, interruptOnCancel);
  const executor = (agent as { pythonExecutor?: PythonExecutor }).pythonExecutor;
  if (executor) journalExecutor(executor, ctx, interruptOnCancel);
}

type ModelOutcome = { message: ChatMessage } | { error: JournaledError };
type ToolOutcome = { output: unknown } | { error: JournaledError };

function journalModel(
  model: Model,
  ctx: restate.ObjectContext,
  hooks: JournalHooks,
  onError: (error: unknown) => never,
): void {
  const generate = model.generate.bind(model);
  // Streamed deltas cannot be journaled without making every token a journal entry, so a durable
  // model only generates (the agent falls back to `generate` when there is no generateStream).
  (model as { generateStream?: unknown }).generateStream = undefined;
  model.generate = async (messages: ChatMessage[], options?: GenerateOptions) => {
    await hooks.beforeStep();
    const outcome = await ctx
      .run<ModelOutcome>(`model ${model.modelId}`, async () => {
        try {
          return { message: toJsonSafe<ChatMessage>(await generate(messages, options)) };
        } catch (error) {
          // A failed call is journaled too (the provider package already retried it): the
          // replay takes the same error path instead of calling the model again.
          return { error: toJsonSafe<JournaledError>(error) };
        }
      })
      .catch(onError);
    if ("error" in outcome) throw errorFromJournal(outcome.error);
    return outcome.message;
  };
}

function journalTool(
  tool: Tool,
  ctx: restate.ObjectContext,
  hooks: JournalHooks,
  onError: (error: unknown) => never,
): void {
  const forward = tool.forward.bind(tool) as (args: unknown, options?: unknown) => Promise<unknown>;
  (tool as { forward: unknown }).forward = async (args: unknown, options?: unknown) => {
    await hooks.beforeStep();
    const outcome = await ctx
      .run<ToolOutcome>(`tool ${tool.name}`, async () => {
        try {
          return { output: toJsonSafe(await forward(args, options)) };
        } catch (error) {
          // Tool errors are observations for the model, not failures of the invocation: journal
          // them so that the replay shows the model the same error without running the tool.
          return { error: toJsonSafe<JournaledError>(error) };
        }
      })
      .catch(onError);
    if ("error" in outcome) throw errorFromJournal(outcome.error);
    return outcome.output;
  };
}

/**
 * A CodeAgent's code always runs (live, also on replay): that is how the Python variables of a
 * recovered run are rebuilt in a fresh sandbox, with every tool call the code makes answered from
 * the journal. What the step then reads (output, logs, error) is the journaled first result, so
 * the memory is the one the model saw even where the code's output differs on replay (values
 * made from randomness or the clock: the variables themselves are those of the replay).
 */
function journalExecutor(
  executor: PythonExecutor,
  ctx: restate.ObjectContext,
  onError: (error: unknown) => never,
): void {
  const run = executor.run.bind(executor);
  executor.run = async (code: string, options?: Parameters<PythonExecutor["run"]>[1]) => {
    const live = await run(code, options);
    const journaled = await ctx
      .run<CodeOutput>("python", async () => toJsonSafe<CodeOutput>(live))
      .catch(onError);
    // A final answer keeps its live value (it may not be plain JSON); it is the final_answer
    // tool's argument, itself answered from the journal, so the replay gives the same one.
    return journaled.isFinalAnswer && live.isFinalAnswer ? { ...journaled, output: live.output } : journaled;
  };
}
