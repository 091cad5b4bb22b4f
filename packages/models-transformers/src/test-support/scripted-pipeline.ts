import type { ChatTurn, TextGenerationPipelineLike, TokenizerLike } from "../load-pipeline.js";

/**
 * A stand-in for a text-generation pipeline, for tests: the one seam TransformersModel takes
 * from outside is the pipeline a user passes in, and no real model can be downloaded here. It is
 * built on a REAL Transformers.js tokenizer (byte-level BPE over 256 byte symbols, ChatML special
 * tokens, a Jinja chat template that lists tools), so that chat templating, token counting,
 * `TextStreamer` and the stopping criteria all run as they do with a real model. Only the
 * "model" is scripted: it writes the scripted reply token by token, following the protocol of
 * Transformers.js's `generate` — the prompt is put to the streamer first, then each new token;
 * the stopping criteria are asked after each token; `max_new_tokens` bounds the loop.
 */
export interface ScriptedPipeline extends TextGenerationPipelineLike {
  /** Each call: the chat, the options, the rendered prompt and how many tokens were generated. */
  readonly calls: {
    chat: ChatTurn[];
    options: Record<string, unknown>;
    prompt: string;
    generatedTokens: number;
  }[];
}

const chatTemplate = [
  "{% if tools %}<|im_start|>system\nTools:{% for tool in tools %} {{ tool.function.name }}{% endfor %}<|im_end|>\n{% endif %}",
  "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}<|im_end|>\n{% endfor %}",
  "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}",
].join("");

export async function scriptedPipeline(reply: (chat: ChatTurn[]) => string): Promise<ScriptedPipeline> {
  const { PreTrainedTokenizer } = await import("@huggingface/transformers");
  const tokenizer = new PreTrainedTokenizer(byteLevelTokenizerJson(), {
    tokenizer_class: "PreTrainedTokenizer",
    eos_token: "<|im_end|>",
    chat_template: chatTemplate,
  }) as unknown as TokenizerLike;
  const endOfTurn = 257;
  const calls: ScriptedPipeline["calls"] = [];

  const run = async (chat: ChatTurn[], options: Record<string, unknown>) => {
    const prompt = tokenizer.apply_chat_template(chat, {
      add_generation_prompt: true,
      tokenize: false,
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.chat_template ? { chat_template: options.chat_template } : {}),
    }) as string;
    const promptIds = tokenizer.encode(prompt, { add_special_tokens: false });
    const replyIds = [...tokenizer.encode(reply(chat), { add_special_tokens: false }), endOfTurn];
    const streamer = options.streamer as { put(ids: bigint[][]): void; end(): void } | undefined;
    const stop = options.stopping_criteria as ((ids: number[][], scores: null) => boolean[]) | undefined;
    const limit = Number(options.max_new_tokens ?? 20);
    streamer?.put([promptIds.map(BigInt)]);
    const ids = [...promptIds];
    let generated = 0;
    for (const token of replyIds.slice(0, limit)) {
      // A real model spends time on each token: let aborts and readers in between.
      await new Promise((resolve) => setImmediate(resolve));
      ids.push(token);
      generated++;
      streamer?.put([[BigInt(token)]]);
      if (token === endOfTurn || stop?.([ids], null).some(Boolean)) break;
    }
    streamer?.end();
    calls.push({ chat, options, prompt, generatedTokens: generated });
    const content = tokenizer.decode(ids.slice(promptIds.length), { skip_special_tokens: true });
    return [{ generated_text: [...chat, { role: "assistant", content }] }];
  };
  return Object.assign(run, { tokenizer, calls });
}

/** GPT-2's byte-to-character table: printable bytes map to themselves, others above U+0100. */
function byteSymbols(): string[] {
  const printable = [...range(0x21, 0x7e), ...range(0xa1, 0xac), ...range(0xae, 0xff)];
  const symbols = new Array<string>(256);
  let extra = 0;
  for (let byte = 0; byte < 256; byte++) {
    symbols[byte] = printable.includes(byte) ? String.fromCharCode(byte) : String.fromCharCode(256 + extra++);
  }
  return symbols;
}

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

/** A `tokenizer.json` whose vocabulary is the 256 byte symbols (no merges) plus ChatML's two special tokens. */
function byteLevelTokenizerJson(): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  byteSymbols().forEach((symbol, index) => {
    vocab[symbol] = index;
  });
  vocab["<|im_start|>"] = 256;
  vocab["<|im_end|>"] = 257;
  const special = (id: number, content: string) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [special(256, "<|im_start|>"), special(257, "<|im_end|>")],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges: [],
    },
  };
}
