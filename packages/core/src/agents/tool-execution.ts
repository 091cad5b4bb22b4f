import {
  AgentInterruptedError,
  AgentToolCallError,
  AgentToolExecutionError,
  AgentToolRejectedError,
} from "../errors.js";
import type { ToolCallResult } from "../memory/steps.js";
import { jsonReplacer } from "../memory/to-messages.js";
import type { Tool } from "../tools/tool.js";
import { type ApprovalDecision, rejectionMessage } from "./approvals.js";
import type { ParsedToolCall } from "./tool-call-parsing.js";

/** What running a tool call needs from the agent. */
export interface ToolCallContext {
  /** Every callable tool by name, managed agents included. */
  tools: Readonly<Record<string, Tool>>;
  /** The names in `tools` that are managed agents (their failures read differently). */
  managedAgentNames: ReadonlySet<string>;
  /** The agent's state: string arguments naming a key are replaced by its value. */
  state: Record<string, unknown>;
  signal?: AbortSignal;
  /**
   * Decides whether the call may run (see `needsApproval`); calls run without asking when
   * unset. Rejects when the decision cannot be had (the run was interrupted, `onApproval` failed).
   */
  approve?: (
    tool: Tool,
    args: Record<string, unknown> | unknown[],
    toolCallId: string,
  ) => Promise<ApprovalDecision>;
}

/** Where an image or audio output is stored in the state, by output type. */
const storedOutputKeys: Record<string, string> = { image: "image.png", audio: "audio.mp3" };

/**
 * Runs one tool call and never throws: unknown tools, unreadable or invalid arguments and
 * failures of the tool all come back as a result with an `error` and an observation written for
 * the model. Image and audio outputs are stored in the state, and the observation names the key.
 */
export async function runToolCall(call: ParsedToolCall, context: ToolCallContext): Promise<ToolCallResult> {
  const { id, name } = call.toolCall;
  const failed = (
    error: AgentToolCallError | AgentToolExecutionError | AgentInterruptedError,
  ): ToolCallResult => ({
    id,
    name,
    observation: error.message,
    error,
  });
  if (call.argumentsError) return failed(call.argumentsError);
  const tool = Object.hasOwn(context.tools, name) ? context.tools[name] : undefined;
  if (!tool) {
    return failed(
      new AgentToolCallError(
        `There is no tool named '${name}'. The tools you can call are: ${Object.keys(context.tools).join(", ")}.`,
        name,
      ),
    );
  }
  const args = substituteStateValues(call.toolCall.arguments, context.state);
  const callArguments = toCallArguments(args);
  if (context.approve) {
    let decision: ApprovalDecision;
    try {
      decision = await context.approve(tool, callArguments, id);
    } catch (error) {
      if (AgentInterruptedError.isInstance(error)) return failed(error);
      const reason = error instanceof Error ? error.message : String(error);
      return failed(
        new AgentToolExecutionError(`The approval of the call of tool '${name}' failed: ${reason}`, name, {
          cause: error,
        }),
      );
    }
    if (!decision.approved) {
      return failed(
        new AgentToolRejectedError(rejectionMessage(name, decision.reason), name, decision.approvalId),
      );
    }
  }
  let output: unknown;
  try {
    output = await tool.call(callArguments, { signal: context.signal });
  } catch (error) {
    if (AgentToolCallError.isInstance(error) && error.toolName === name) {
      return failed(
        new AgentToolCallError(`Invalid arguments for tool '${name}': ${error.message}`, name, {
          cause: error,
        }),
      );
    }
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const shownArgs = JSON.stringify(args, jsonReplacer);
    const message = context.managedAgentNames.has(name)
      ? `Team member '${name}' could not complete the request ${shownArgs}: ${reason}\n` +
        "Try again with a clearer or smaller task, or ask another team member."
      : `Tool '${name}' failed when called with ${shownArgs}: ${reason}\n` +
        "Check the arguments and try again, or use another tool.";
    return failed(new AgentToolExecutionError(message, name, { cause: error }));
  }
  const storedKey =
    storedOutputKeys[tool.outputType] ?? (isImagePart(output) ? storedOutputKeys.image : undefined);
  if (storedKey) {
    context.state[storedKey] = output;
    return {
      id,
      name,
      output,
      observation: `The output was stored in the state under the key '${storedKey}'.`,
    };
  }
  return { id, name, output, observation: observationText(output) };
}

/**
 * Runs calls at most `limit` at a time and yields each result as soon as it is ready (so the
 * order may differ from the calls'). `run` must not throw.
 */
export async function* runConcurrently<Item, Result>(
  items: readonly Item[],
  limit: number,
  run: (item: Item) => Promise<Result>,
): AsyncGenerator<{ index: number; result: Result }> {
  const pending = new Map<number, Promise<{ index: number; result: Result }>>();
  let next = 0;
  const launch = () => {
    const index = next++;
    pending.set(
      index,
      run(items[index]!).then((result) => ({ index, result })),
    );
  };
  while (next < items.length && pending.size < limit) launch();
  while (pending.size > 0) {
    const settled = await Promise.race(pending.values());
    pending.delete(settled.index);
    if (next < items.length) launch();
    yield settled;
  }
}

/** Top-level string arguments that name a state key are replaced by the stored value. */
export function substituteStateValues(args: unknown, state: Record<string, unknown>): unknown {
  const lookup = (value: unknown) =>
    typeof value === "string" && Object.hasOwn(state, value) ? state[value] : value;
  if (typeof args !== "object" || args === null) return lookup(args);
  if (Array.isArray(args)) return args.map(lookup);
  return Object.fromEntries(Object.entries(args).map(([key, value]) => [key, lookup(value)]));
}

/** Keyword arguments as they are; a list as positional arguments; a lone value as the only one. */
function toCallArguments(args: unknown): Record<string, unknown> | unknown[] {
  if (Array.isArray(args)) return args;
  if (typeof args === "object" && args !== null) return args as Record<string, unknown>;
  return args === undefined ? {} : [args];
}

/** The text the model reads for an output: strings as they are, other values as JSON. */
export function observationText(output: unknown): string {
  if (typeof output === "string") return output.trim();
  if (output === undefined) return "";
  try {
    return JSON.stringify(output, jsonReplacer) ?? String(output);
  } catch {
    return String(output);
  }
}

function isImagePart(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { type?: unknown }).type === "image" &&
    "image" in value
  );
}
