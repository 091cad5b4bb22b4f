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

type Outcome<T> = { value: T } | { error: JournaledError };

/**
 * Runs `call` as one journaled step named `name`: its result, or its error, is what the journal
 * keeps, so a replay returns the same result or throws the same error without calling again.
 * Errors are journaled rather than failing the invocation: a model's error already went through
 * its provider's retries, and a tool's error is an observation for the model.
 */
async function journaled<T>(
  ctx: restate.ObjectContext,
  name: string,
  hooks: JournalHooks,
  call: () => Promise<T>,
  onError: (error: unknown) => never,
): Promise<T> {
  await hooks.beforeStep();
  const outcome = await ctx
    .run<Outcome<T>>(name, async () => {
      try {
        return { value: toJsonSafe<T>(await call()) };
      } catch (error) {
        return { error: toJsonSafe<JournaledError>(error) };
      }
    })
    .catch(onError);
  if ("error" in outcome) throw errorFromJournal(outcome.error);
  return outcome.value;
}

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
  model.generate = (messages: ChatMessage[], options?: GenerateOptions) =>
    journaled(ctx, `model ${model.modelId}`, hooks, () => generate(messages, options), onError);
}

function journalTool(
  tool: Tool,
  ctx: restate.ObjectContext,
  hooks: JournalHooks,
  onError: (error: unknown) => never,
): void {
  const forward = tool.forward.bind(tool) as (args: unknown, options?: unknown) => Promise<unknown>;
  (tool as { forward: unknown }).forward = (args: unknown, options?: unknown) =>
    journaled(ctx, `tool ${tool.name}`, hooks, () => forward(args, options), onError);
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
