import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGgufFileInfo } from "node-llama-cpp";
import { afterAll, expect, it } from "vitest";
import { buildTinyLlamaGguf, tinyVocabulary, writeTinyLlamaGguf } from "./tiny-gguf.js";

const directory = await mkdtemp(join(tmpdir(), "smol-gguf-"));
afterAll(() => rm(directory, { recursive: true, force: true }));

it("writes a GGUF file that node-llama-cpp's own reader parses: metadata, vocabulary, tensors", async () => {
  const path = await writeTinyLlamaGguf(join(directory, "tiny.gguf"));
  const info = await readGgufFileInfo(path);
  expect(info.version).toBe(3);
  expect(info.metadata.general.architecture).toBe("llama");
  const llama = (info.metadata as unknown as { llama: Record<string, unknown> }).llama;
  expect(llama).toMatchObject({ embedding_length: 64, block_count: 1, context_length: 512 });
  expect(info.metadata.tokenizer.ggml.tokens).toEqual(tinyVocabulary().tokens);
  const names = info.fullTensorInfo?.map((tensor) => tensor.name) ?? [];
  expect(names).toContain("token_embd.weight");
  expect(names).toContain("blk.0.ffn_down.weight");
  const embedding = info.fullTensorInfo?.find((tensor) => tensor.name === "token_embd.weight");
  expect(embedding?.dimensions.map(Number)).toEqual([64, tinyVocabulary().tokens.length]);
});

it("is a few hundred kilobytes, and the same for the same seed", () => {
  const bytes = buildTinyLlamaGguf();
  expect(bytes.byteLength).toBeGreaterThan(100_000);
  expect(bytes.byteLength).toBeLessThan(600_000);
  expect(Buffer.compare(Buffer.from(bytes), Buffer.from(buildTinyLlamaGguf()))).toBe(0);
  expect(Buffer.compare(Buffer.from(bytes), Buffer.from(buildTinyLlamaGguf({ seed: 7 })))).not.toBe(0);
});
