/**
 * Writes a tiny llama-architecture GGUF model with random weights, so that tests load a real
 * model through llama.cpp without downloading one. The format (GGUF v3, little-endian): a header
 * (`GGUF`, version, tensor count, key-value count), the metadata key-values, the tensor infos
 * (name, dimensions, type, offset into the data section), padding to the alignment, then the
 * tensor data, each tensor starting at an aligned offset.
 */
import { writeFile } from "node:fs/promises";

const alignment = 32;

/** GGUF metadata value types. */
const ValueType = {
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
} as const;

/** llama.cpp token types, as `tokenizer.ggml.token_type` stores them. */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

const ggmlTypeF32 = 0;

type MetadataValue =
  | { type: "uint32"; value: number }
  | { type: "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "strings"; value: string[] }
  | { type: "float32s"; value: number[] }
  | { type: "int32s"; value: number[] };

interface Tensor {
  name: string;
  /** GGUF order: the first dimension varies fastest. */
  dimensions: number[];
  data: Float32Array;
}

export interface TinyModelShape {
  embeddingLength: number;
  feedForwardLength: number;
  headCount: number;
  blockCount: number;
  contextLength: number;
  seed: number;
}

const defaultShape: TinyModelShape = {
  embeddingLength: 64,
  feedForwardLength: 128,
  headCount: 4,
  blockCount: 1,
  contextLength: 512,
  seed: 42,
};

/**
 * The vocabulary of a SentencePiece ("llama") tokenizer that spells any ASCII text: `<unk>`,
 * `<s>`, `</s>`, the byte tokens `<0x00>`…`<0x7F>` (byte fallback), printable ASCII and `▁`
 * (space). Bytes above 0x7F are left out on purpose: a random model would string them into
 * invalid UTF-8, which decodes to more characters than a grammar's `maxLength` counted.
 */
export function tinyVocabulary(): { tokens: string[]; scores: number[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types: number[] = [TokenType.unknown, TokenType.control, TokenType.control];
  for (let byte = 0; byte < 128; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(TokenType.byte);
  }
  tokens.push("▁");
  types.push(TokenType.normal);
  for (let code = 0x21; code <= 0x7e; code++) {
    tokens.push(String.fromCharCode(code));
    types.push(TokenType.normal);
  }
  const scores = tokens.map((_, index) => -index);
  return { tokens, scores, types };
}

/** Builds the GGUF bytes of a random-weight llama model (about 250 KB with the default shape). */
export function buildTinyLlamaGguf(shape: Partial<TinyModelShape> = {}): Uint8Array {
  const { embeddingLength, feedForwardLength, headCount, blockCount, contextLength, seed } = {
    ...defaultShape,
    ...shape,
  };
  const vocabulary = tinyVocabulary();
  const vocabularySize = vocabulary.tokens.length;
  const metadata: [string, MetadataValue][] = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "smol tiny random llama" }],
    ["general.alignment", { type: "uint32", value: alignment }],
    ["general.file_type", { type: "uint32", value: 0 }],
    ["llama.context_length", { type: "uint32", value: contextLength }],
    ["llama.embedding_length", { type: "uint32", value: embeddingLength }],
    ["llama.block_count", { type: "uint32", value: blockCount }],
    ["llama.feed_forward_length", { type: "uint32", value: feedForwardLength }],
    ["llama.attention.head_count", { type: "uint32", value: headCount }],
    ["llama.attention.head_count_kv", { type: "uint32", value: headCount }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["llama.rope.dimension_count", { type: "uint32", value: embeddingLength / headCount }],
    ["llama.rope.freq_base", { type: "float32", value: 10_000 }],
    ["llama.vocab_size", { type: "uint32", value: vocabularySize }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "strings", value: vocabulary.tokens }],
    ["tokenizer.ggml.scores", { type: "float32s", value: vocabulary.scores }],
    ["tokenizer.ggml.token_type", { type: "int32s", value: vocabulary.types }],
    ["tokenizer.ggml.unknown_token_id", { type: "uint32", value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: "uint32", value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: "uint32", value: 2 }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["tokenizer.ggml.add_eos_token", { type: "bool", value: false }],
  ];

  const random = seededUniform(seed);
  const weights = (count: number) => Float32Array.from({ length: count }, () => (random() - 0.5) * 0.2);
  const ones = (count: number) => new Float32Array(count).fill(1);
  const tensors: Tensor[] = [
    {
      name: "token_embd.weight",
      dimensions: [embeddingLength, vocabularySize],
      data: weights(embeddingLength * vocabularySize),
    },
    { name: "output_norm.weight", dimensions: [embeddingLength], data: ones(embeddingLength) },
    {
      name: "output.weight",
      dimensions: [embeddingLength, vocabularySize],
      data: weights(embeddingLength * vocabularySize),
    },
  ];
  for (let block = 0; block < blockCount; block++) {
    const square = () => weights(embeddingLength * embeddingLength);
    const prefix = `blk.${block}`;
    tensors.push(
      { name: `${prefix}.attn_norm.weight`, dimensions: [embeddingLength], data: ones(embeddingLength) },
      { name: `${prefix}.attn_q.weight`, dimensions: [embeddingLength, embeddingLength], data: square() },
      { name: `${prefix}.attn_k.weight`, dimensions: [embeddingLength, embeddingLength], data: square() },
      { name: `${prefix}.attn_v.weight`, dimensions: [embeddingLength, embeddingLength], data: square() },
      {
        name: `${prefix}.attn_output.weight`,
        dimensions: [embeddingLength, embeddingLength],
        data: square(),
      },
      { name: `${prefix}.ffn_norm.weight`, dimensions: [embeddingLength], data: ones(embeddingLength) },
      {
        name: `${prefix}.ffn_gate.weight`,
        dimensions: [embeddingLength, feedForwardLength],
        data: weights(embeddingLength * feedForwardLength),
      },
      {
        name: `${prefix}.ffn_up.weight`,
        dimensions: [embeddingLength, feedForwardLength],
        data: weights(embeddingLength * feedForwardLength),
      },
      {
        name: `${prefix}.ffn_down.weight`,
        dimensions: [feedForwardLength, embeddingLength],
        data: weights(feedForwardLength * embeddingLength),
      },
    );
  }
  return encodeGguf(metadata, tensors);
}

/** Writes the tiny model to `path`; returns the path. */
export async function writeTinyLlamaGguf(path: string, shape: Partial<TinyModelShape> = {}): Promise<string> {
  await writeFile(path, buildTinyLlamaGguf(shape));
  return path;
}

function encodeGguf(metadata: [string, MetadataValue][], tensors: Tensor[]): Uint8Array {
  const writer = new ByteWriter();
  writer.bytes(Buffer.from("GGUF", "latin1"));
  writer.uint32(3);
  writer.uint64(tensors.length);
  writer.uint64(metadata.length);
  for (const [key, value] of metadata) {
    writer.string(key);
    writeValue(writer, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    offsets.push(offset);
    writer.string(tensor.name);
    writer.uint32(tensor.dimensions.length);
    for (const dimension of tensor.dimensions) writer.uint64(dimension);
    writer.uint32(ggmlTypeF32);
    writer.uint64(offset);
    offset = alignUp(offset + tensor.data.byteLength);
  }
  writer.padTo(alignment);
  const dataStart = writer.length;
  tensors.forEach((tensor, index) => {
    writer.padTo(alignment, dataStart + offsets[index]!);
    writer.bytes(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  });
  writer.padTo(alignment);
  return writer.toBytes();
}

function writeValue(writer: ByteWriter, value: MetadataValue): void {
  switch (value.type) {
    case "uint32":
      writer.uint32(ValueType.uint32);
      writer.uint32(value.value);
      return;
    case "float32":
      writer.uint32(ValueType.float32);
      writer.float32(value.value);
      return;
    case "bool":
      writer.uint32(ValueType.bool);
      writer.bytes(Uint8Array.of(value.value ? 1 : 0));
      return;
    case "string":
      writer.uint32(ValueType.string);
      writer.string(value.value);
      return;
    case "strings":
      writer.uint32(ValueType.array);
      writer.uint32(ValueType.string);
      writer.uint64(value.value.length);
      for (const item of value.value) writer.string(item);
      return;
    case "float32s":
      writer.uint32(ValueType.array);
      writer.uint32(ValueType.float32);
      writer.uint64(value.value.length);
      for (const item of value.value) writer.float32(item);
      return;
    case "int32s":
      writer.uint32(ValueType.array);
      writer.uint32(ValueType.int32);
      writer.uint64(value.value.length);
      for (const item of value.value) writer.int32(item);
      return;
  }
}

function alignUp(value: number): number {
  return Math.ceil(value / alignment) * alignment;
}

/** Little-endian bytes, appended. */
class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  length = 0;

  bytes(data: Uint8Array): void {
    this.chunks.push(data);
    this.length += data.byteLength;
  }

  uint32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32LE(value);
    this.bytes(buffer);
  }

  int32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeInt32LE(value);
    this.bytes(buffer);
  }

  uint64(value: number): void {
    const buffer = Buffer.alloc(8);
    buffer.writeBigUInt64LE(BigInt(value));
    this.bytes(buffer);
  }

  float32(value: number): void {
    const buffer = Buffer.alloc(4);
    buffer.writeFloatLE(value);
    this.bytes(buffer);
  }

  /** A GGUF string: its UTF-8 length as uint64, then the bytes (no terminator). */
  string(value: string): void {
    const encoded = Buffer.from(value, "utf8");
    this.uint64(encoded.byteLength);
    this.bytes(encoded);
  }

  /** Zero bytes up to `target`, or up to the next multiple of `boundary`. */
  padTo(boundary: number, target = Math.ceil(this.length / boundary) * boundary): void {
    if (target > this.length) this.bytes(new Uint8Array(target - this.length));
  }

  toBytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

/** A small deterministic generator (mulberry32), so the fixture is the same on every run. */
function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
