import { type ActionStep, type AgentEvent, AgentInterruptedError } from "@smol/core";
import { type SmolUIMessageChunk, UI_MESSAGE_STREAM_HEADERS } from "./ui-message-chunks.js";

export interface UIMessageStreamOptions {
  /** The id of the assistant message the stream builds; the front end makes one when absent. */
  messageId?: string;
  /**
   * The text the front end shows for an error of the run. Default: the error's message. Replace
   * it when messages may say more than the user should see (a server's reply quoted in a
   * `ModelApiError`, a path in a tool's error).
   */
  onError?: (error: unknown) => string;
}

/**
 * A smol run's events as the AI SDK's UI message stream, which `useChat` (and the `ai` package's
 * `readUIMessageStream`) turn into one assistant message:
 *
 * - each step is a step (`start-step` … `finish-step`);
 * - the model's output of a step (its thought, and a CodeAgent's code) is a reasoning part,
 *   streamed as it is written with `streamOutputs: true`, else sent whole at the step's end; a
 *   plan is a reasoning part too;
 * - each tool call is a dynamic tool part (`dynamic-tool`, the tool's name in `toolName`), and a
 *   CodeAgent's code is a call of `python_interpreter`: its output is the observation the model
 *   read (the tool's result, or the code's logs and last value), its error the error text;
 * - the final answer is a text part (JSON for anything but a string);
 * - a failed run ends with an `error` chunk, an interrupted one with `abort`.
 *
 * Cancelling the stream (the client went away) stops reading the events, which ends the run's
 * iteration.
 *
 * @example
 * const events = agent.run(task, { stream: true });
 * return toUIMessageStreamResponse(events); // in a route handler
 */
export function toUIMessageStream(
  events: AsyncIterable<AgentEvent>,
  options: UIMessageStreamOptions = {},
): ReadableStream<SmolUIMessageChunk> {
  const iterator = events[Symbol.asyncIterator]();
  const writer = new ChunkWriter(options);
  return new ReadableStream<SmolUIMessageChunk>({
    async pull(controller) {
      // One event per pull, so a slow reader holds the run back instead of filling memory.
      for (;;) {
        let next: IteratorResult<AgentEvent>;
        try {
          next = await iterator.next();
        } catch (error) {
          // After `run-end` the run rethrows its error: the chunks for it are already out.
          for (const chunk of writer.thrown(error)) controller.enqueue(chunk);
          controller.close();
          return;
        }
        if (next.done) {
          for (const chunk of writer.ended()) controller.enqueue(chunk);
          controller.close();
          return;
        }
        const chunks = writer.write(next.value);
        for (const chunk of chunks) controller.enqueue(chunk);
        if (chunks.length > 0) return;
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

/**
 * The same stream as a `Response` of Server-Sent Events, with the headers `useChat` expects:
 * what a route handler (Next.js, Hono, any Fetch-API server) returns.
 *
 * @example
 * export async function POST(request: Request) {
 *   const { messages } = await request.json();
 *   return toUIMessageStreamResponse(agent.run(lastUserText(messages), { stream: true }));
 * }
 */
export function toUIMessageStreamResponse(
  events: AsyncIterable<AgentEvent>,
  init: UIMessageStreamOptions & { status?: number; statusText?: string; headers?: HeadersInit } = {},
): Response {
  const { status, statusText, headers, ...options } = init;
  const merged = new Headers(headers);
  for (const [name, value] of Object.entries(UI_MESSAGE_STREAM_HEADERS)) {
    if (!merged.has(name)) merged.set(name, value);
  }
  const body = toUIMessageStream(events, options)
    .pipeThrough(
      new TransformStream<SmolUIMessageChunk, string>({
        transform(chunk, controller) {
          controller.enqueue(`data: ${JSON.stringify(chunk)}\n\n`);
        },
        flush(controller) {
          controller.enqueue("data: [DONE]\n\n");
        },
      }),
    )
    .pipeThrough(new TextEncoderStream());
  return new Response(body, { status, statusText, headers: merged });
}

/** Turns events into chunks, keeping what is open: the step, a reasoning part, the tool calls. */
class ChunkWriter {
  private readonly onError: (error: unknown) => string;
  private readonly messageId: string | undefined;
  private partCount = 0;
  private started = false;
  private finished = false;
  private stepOpen = false;
  /** The reasoning part the step's stream deltas go to, while it is open. */
  private reasoningId: string | undefined;
  /** Whether the current step streamed its model output (then it is not sent again at its end). */
  private streamedOutput = false;
  /** The step's tool calls without an outcome yet: the agent's call id → the stream's. */
  private readonly openCalls = new Map<string, string>();
  private readonly usedCallIds = new Set<string>();

  constructor(options: UIMessageStreamOptions) {
    this.onError = options.onError ?? ((error) => (error instanceof Error ? error.message : String(error)));
    this.messageId = options.messageId;
  }

  write(event: AgentEvent): SmolUIMessageChunk[] {
    const chunks = this.start();
    switch (event.type) {
      case "run-start":
        break;
      case "planning-step":
        chunks.push(...this.reasoningPart(event.step.plan));
        break;
      case "step-start":
        chunks.push(...this.closeStep(), { type: "start-step" });
        this.stepOpen = true;
        this.streamedOutput = false;
        break;
      case "stream-delta":
        if (event.delta.content) {
          if (this.reasoningId === undefined) {
            this.reasoningId = this.nextPartId("reasoning");
            chunks.push({ type: "reasoning-start", id: this.reasoningId });
          }
          chunks.push({ type: "reasoning-delta", id: this.reasoningId, delta: event.delta.content });
          this.streamedOutput = true;
        }
        break;
      case "tool-call": {
        chunks.push(...this.closeReasoning());
        const toolCallId = this.uniqueCallId(event.toolCall.id);
        this.openCalls.set(event.toolCall.id, toolCallId);
        chunks.push({
          type: "tool-input-available",
          toolCallId,
          toolName: event.toolCall.name,
          input: event.toolCall.arguments,
          dynamic: true,
        });
        break;
      }
      case "action-step":
        chunks.push(...this.endStep(event.step));
        break;
      case "final-answer":
        chunks.push(...this.closeStep(), ...this.textPart(answerText(event.output)));
        break;
      case "run-end":
        chunks.push(...this.closeStep());
        if (event.result.state === "error") chunks.push(...this.failure(event.result.error));
        else chunks.push(...this.finish(event.result.state === "success" ? "stop" : "other"));
        break;
      // `tool-output` (ToolCallingAgent) carries no error: each call's outcome is sent from the
      // step's `toolResults` at `action-step`, where a failed call is known as failed.
      // `action-output` repeats what the step and the final answer say.
      default:
        break;
    }
    return chunks;
  }

  /** The iteration threw: after `run-end` nothing is left to say; before it, the run failed. */
  thrown(error: unknown): SmolUIMessageChunk[] {
    if (this.finished) return [];
    return [...this.start(), ...this.closeStep(), ...this.failure(error)];
  }

  /** The events ended without `run-end` (a stream cut short by its producer). */
  ended(): SmolUIMessageChunk[] {
    if (this.finished) return [];
    return [...this.start(), ...this.closeStep(), ...this.finish("other")];
  }

  private start(): SmolUIMessageChunk[] {
    if (this.started) return [];
    this.started = true;
    return [this.messageId === undefined ? { type: "start" } : { type: "start", messageId: this.messageId }];
  }

  private endStep(step: ActionStep): SmolUIMessageChunk[] {
    const chunks = this.closeReasoning();
    if (!this.streamedOutput && step.modelOutput) chunks.push(...this.reasoningPart(step.modelOutput));
    let errorShown = false;
    for (const result of step.toolResults ?? []) {
      const toolCallId = this.openCalls.get(result.id);
      if (toolCallId === undefined) continue;
      this.openCalls.delete(result.id);
      if (result.error) {
        chunks.push({ type: "tool-output-error", toolCallId, errorText: result.observation, dynamic: true });
        errorShown ||= result.error === step.error;
      } else {
        chunks.push({ type: "tool-output-available", toolCallId, output: result.observation, dynamic: true });
      }
    }
    // What is still open is a CodeAgent's code: its outcome is the step's.
    for (const toolCallId of this.openCalls.values()) {
      if (step.error) {
        const errorText = [step.observations, this.onError(step.error)].filter(Boolean).join("\n");
        chunks.push({ type: "tool-output-error", toolCallId, errorText, dynamic: true });
        errorShown = true;
      } else {
        chunks.push({
          type: "tool-output-available",
          toolCallId,
          output: step.observations ?? "",
          dynamic: true,
        });
      }
    }
    this.openCalls.clear();
    // An error the agent recovers from is the step's, not the run's: the `error` chunk would put
    // the whole chat in its error state. It is shown as the step's reasoning instead.
    if (step.error && !errorShown) chunks.push(...this.reasoningPart(`Error: ${this.onError(step.error)}`));
    chunks.push(...this.closeStep());
    return chunks;
  }

  private failure(error: unknown): SmolUIMessageChunk[] {
    this.finished = true;
    if (AgentInterruptedError.isInstance(error)) return [{ type: "abort", reason: this.onError(error) }];
    return [
      { type: "error", errorText: this.onError(error) },
      { type: "finish", finishReason: "error" },
    ];
  }

  private finish(finishReason: "stop" | "other"): SmolUIMessageChunk[] {
    this.finished = true;
    return [{ type: "finish", finishReason }];
  }

  /** Ends the open step; calls that got no outcome (the run stopped inside the step) fail. */
  private closeStep(): SmolUIMessageChunk[] {
    const chunks = this.closeReasoning();
    for (const toolCallId of this.openCalls.values()) {
      chunks.push({
        type: "tool-output-error",
        toolCallId,
        errorText: "The run ended before this call finished.",
        dynamic: true,
      });
    }
    this.openCalls.clear();
    if (this.stepOpen) chunks.push({ type: "finish-step" });
    this.stepOpen = false;
    return chunks;
  }

  private closeReasoning(): SmolUIMessageChunk[] {
    if (this.reasoningId === undefined) return [];
    const id = this.reasoningId;
    this.reasoningId = undefined;
    return [{ type: "reasoning-end", id }];
  }

  private reasoningPart(text: string): SmolUIMessageChunk[] {
    const id = this.nextPartId("reasoning");
    return [
      { type: "reasoning-start", id },
      { type: "reasoning-delta", id, delta: text },
      { type: "reasoning-end", id },
    ];
  }

  private textPart(text: string): SmolUIMessageChunk[] {
    const id = this.nextPartId("text");
    return [
      { type: "text-start", id },
      { type: "text-delta", id, delta: text },
      { type: "text-end", id },
    ];
  }

  private nextPartId(kind: string): string {
    this.partCount += 1;
    return `${kind}-${this.partCount}`;
  }

  /**
   * Tool parts are found by their call id within the message, and models reuse ids across steps
   * (`call_0` in every reply): a repeated id gets a suffix so that each call keeps its own part.
   */
  private uniqueCallId(id: string): string {
    let candidate = id;
    for (let n = 2; this.usedCallIds.has(candidate); n++) candidate = `${id}-${n}`;
    this.usedCallIds.add(candidate);
    return candidate;
  }
}

function answerText(output: unknown): string {
  if (typeof output === "string") return output;
  try {
    return JSON.stringify(output, null, 2) ?? String(output);
  } catch {
    return String(output);
  }
}
