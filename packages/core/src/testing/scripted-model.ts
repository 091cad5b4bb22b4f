import type {
  ChatMessage,
  ChatMessageStreamDelta,
  ChatMessageToolCall,
  TokenUsage,
} from "../models/messages.js";
import type { GenerateOptions, Model } from "../models/model.js";

/** A tool call in the short form: `id` is made up when absent. */
export interface ScriptedToolCall {
  name: string;
  arguments?: Record<string, unknown> | string;
  id?: string;
}

/**
 * One scripted reply:
 * - a string: the assistant's text;
 * - `{ toolCalls: [...] }`: native tool calls (short or full form), with optional `content`;
 * - a full `ChatMessage`;
 * - an `Error`: `generate` rejects with it (a model or network failure).
 */
export type ScriptedReply =
  | string
  | ChatMessage
  | { toolCalls: (ScriptedToolCall | ChatMessageToolCall)[]; content?: string; tokenUsage?: TokenUsage }
  | Error;

/** Computes a reply from what the agent sent; `callIndex` counts from 0. */
export type ScriptFunction = (
  messages: ChatMessage[],
  options: GenerateOptions,
  callIndex: number,
) => ScriptedReply | Promise<ScriptedReply>;

export interface ScriptedModelOptions {
  /** Default `"scripted-model"`. */
  modelId?: string;
  /**
   * Usage given to each reply that does not carry its own, so that logs and results show
   * numbers. Default `{ inputTokens: 100, outputTokens: 20 }`; `null` gives none.
   */
  tokenUsage?: TokenUsage | null;
  /** Keep every call in `calls` (default). Turn off for long benchmarks. */
  recordCalls?: boolean;
}

/** One recorded call to the model. */
export interface ScriptedCall {
  messages: ChatMessage[];
  options: GenerateOptions;
}

/** Thrown when the agent asks for more replies than the script has. */
export class ScriptExhaustedError extends Error {
  override name = "ScriptExhaustedError";
}

/**
 * A model that replays a script: a list of replies, or a function of the messages. It records
 * every call, so a test can check what the agent sent. `generateStream` streams the same reply
 * in small deltas.
 *
 * @example
 * const model = new ScriptedModel([
 *   { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
 *   { toolCalls: [{ name: "final_answer", arguments: { answer: "Sunny" } }] },
 * ]);
 * const agent = new ToolCallingAgent({ tools: [weather], model });
 * await agent.run("Weather in Paris?"); // "Sunny"
 * model.calls[1].messages; // what the agent sent for step 2
 */
export class ScriptedModel implements Model {
  readonly modelId: string;
  /** Every call, in order. */
  readonly calls: ScriptedCall[] = [];
  readonly #script: readonly ScriptedReply[] | ScriptFunction;
  readonly #tokenUsage: TokenUsage | undefined;
  readonly #recordCalls: boolean;
  #callCount = 0;

  constructor(script: readonly ScriptedReply[] | ScriptFunction, options: ScriptedModelOptions = {}) {
    if (!Array.isArray(script) && typeof script !== "function") {
      throw new TypeError(
        "ScriptedModel needs a list of replies or a function (messages, options, callIndex) => reply.",
      );
    }
    this.#script = script;
    this.modelId = options.modelId ?? "scripted-model";
    this.#tokenUsage =
      options.tokenUsage === null
        ? undefined
        : (options.tokenUsage ?? { inputTokens: 100, outputTokens: 20 });
    this.#recordCalls = options.recordCalls ?? true;
  }

  /** How many times the model was called. */
  get callCount(): number {
    return this.#callCount;
  }

  async generate(messages: ChatMessage[], options: GenerateOptions = {}): Promise<ChatMessage> {
    options.signal?.throwIfAborted();
    const callIndex = this.#callCount++;
    if (this.#recordCalls) this.calls.push({ messages: [...messages], options: { ...options } });
    const reply = await this.#replyFor(messages, options, callIndex);
    options.signal?.throwIfAborted();
    if (reply instanceof Error) throw reply;
    return this.#toMessage(reply, callIndex);
  }

  async *generateStream(
    messages: ChatMessage[],
    options: GenerateOptions = {},
  ): AsyncGenerator<ChatMessageStreamDelta> {
    const message = await this.generate(messages, options);
    yield* messageToDeltas(message);
  }

  toDict(): Record<string, unknown> {
    return { modelId: this.modelId };
  }

  async #replyFor(
    messages: ChatMessage[],
    options: GenerateOptions,
    callIndex: number,
  ): Promise<ScriptedReply> {
    if (typeof this.#script === "function") return await this.#script(messages, options, callIndex);
    if (callIndex >= this.#script.length) {
      const lastMessage = messages.at(-1);
      const lastText =
        typeof lastMessage?.content === "string" ? lastMessage.content : JSON.stringify(lastMessage?.content);
      throw new ScriptExhaustedError(
        `ScriptedModel ran out of replies: the script has ${this.#script.length} and the agent asked for reply ` +
          `#${callIndex + 1}. Add replies to the script. The last message the agent sent was ` +
          `(${lastMessage?.role}): ${(lastText ?? "").slice(0, 500)}`,
      );
    }
    return this.#script[callIndex]!;
  }

  #toMessage(reply: Exclude<ScriptedReply, Error>, callIndex: number): ChatMessage {
    let message: ChatMessage;
    if (typeof reply === "string") {
      message = { role: "assistant", content: reply };
    } else if ("role" in reply) {
      message = { ...reply };
    } else {
      message = {
        role: "assistant",
        content: reply.content ?? "",
        toolCalls: reply.toolCalls.map((call, index) => toToolCall(call, `call_${callIndex}_${index}`)),
      };
      if (reply.tokenUsage) message.tokenUsage = reply.tokenUsage;
    }
    if (!message.tokenUsage && this.#tokenUsage) message.tokenUsage = { ...this.#tokenUsage };
    return message;
  }
}

function toToolCall(call: ScriptedToolCall | ChatMessageToolCall, defaultId: string): ChatMessageToolCall {
  if ("function" in call) return call;
  return {
    id: call.id ?? defaultId,
    type: "function",
    function: { name: call.name, arguments: call.arguments ?? {} },
  };
}

/**
 * A message as the deltas a streaming API would send: the text a few words at a time, each
 * tool call's id and name first and its JSON arguments in two fragments, the usage last.
 */
export function messageToDeltas(message: ChatMessage): ChatMessageStreamDelta[] {
  const deltas: ChatMessageStreamDelta[] = [];
  const text =
    typeof message.content === "string"
      ? message.content
      : (message.content ?? []).map((part) => (part.type === "text" ? part.text : "")).join("");
  for (const piece of text.match(/\S+\s*|\s+/g) ?? []) deltas.push({ content: piece });
  for (const [index, call] of (message.toolCalls ?? []).entries()) {
    const args =
      typeof call.function.arguments === "string"
        ? call.function.arguments
        : JSON.stringify(call.function.arguments);
    const middle = Math.floor(args.length / 2);
    deltas.push({
      toolCalls: [
        {
          index,
          id: call.id,
          type: "function",
          function: { name: call.function.name, arguments: args.slice(0, middle) },
        },
      ],
    });
    deltas.push({ toolCalls: [{ index, function: { arguments: args.slice(middle) } }] });
  }
  if (message.tokenUsage) deltas.push({ tokenUsage: { ...message.tokenUsage } });
  return deltas;
}
