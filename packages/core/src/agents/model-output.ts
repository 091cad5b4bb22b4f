import { AgentGenerationError, AgentInterruptedError } from "../errors.js";
import { aggregateStreamDeltas, type ChatMessage, type ChatMessageStreamDelta } from "../models/messages.js";
import type { GenerateOptions, Model } from "../models/model.js";
import type { AgentDetailEvent, AgentEvent } from "./events.js";

/**
 * Calls the model; with `stream` (and a model that can), yields each delta as a `stream-delta`
 * event and returns the message they add up to. A failure becomes `AgentGenerationError`, or
 * `AgentInterruptedError` when `options.signal` aborted the call. The call is framed by
 * `model-call-start` and `model-call-end` (detail events, for observers).
 */
export async function* generateModelOutput(
  model: Model,
  messages: ChatMessage[],
  options: GenerateOptions,
  stream: boolean,
): AsyncGenerator<AgentEvent | AgentDetailEvent, ChatMessage> {
  const { modelId } = model;
  yield { type: "model-call-start", modelId, messages };
  let message: ChatMessage;
  try {
    message = yield* callModel(model, messages, options, stream);
  } catch (error) {
    yield { type: "model-call-end", modelId, error };
    throw error;
  }
  yield { type: "model-call-end", modelId, message };
  return message;
}

async function* callModel(
  model: Model,
  messages: ChatMessage[],
  options: GenerateOptions,
  stream: boolean,
): AsyncGenerator<AgentEvent, ChatMessage> {
  let message: ChatMessage | undefined;
  try {
    if (stream && typeof model.generateStream === "function") {
      const deltas: ChatMessageStreamDelta[] = [];
      for await (const delta of model.generateStream(messages, options)) {
        deltas.push(delta);
        yield { type: "stream-delta", delta };
      }
      message = aggregateStreamDeltas(deltas);
    } else {
      message = await model.generate(messages, options);
    }
  } catch (error) {
    if (options.signal?.aborted) throw interruptedError(options.signal, error);
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new AgentGenerationError(`The model could not produce an output: ${reason}`, { cause: error });
  }
  if (typeof message !== "object" || message === null) {
    throw new AgentGenerationError(
      `The model's generate() returned ${String(message)} instead of a chat message ({ role, content }).`,
    );
  }
  return message;
}

/** The error a run ends with when its signal aborts; keeps the abort's reason as the cause. */
export function interruptedError(signal: AbortSignal, cause?: unknown): AgentInterruptedError {
  if (AgentInterruptedError.isInstance(cause)) return cause;
  const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? "aborted");
  return new AgentInterruptedError(`The run was aborted through its signal (${reason}).`, {
    cause: signal.reason ?? cause,
  });
}

/** The class of a model, or "Model" for a plain object. */
export function modelClassName(model: Model): string {
  const name = (model as { constructor?: { name?: string } }).constructor?.name;
  return name && name !== "Object" ? name : "Model";
}
