import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describeRequestError, type FetchFunction, isCallerAbort, withTimeout } from "../http/fetch.js";
import { decodeWav, toMono } from "./wav.js";

/** Where audio may come from: a path, a `file:`, `http(s):` or `data:` URL, WAV bytes, or 16 kHz samples. */
export type AudioSource = string | URL | Uint8Array | ArrayBuffer | Float32Array;

/** The audio could not be fetched or read. */
export class AudioSourceError extends Error {
  override readonly name = "AudioSourceError";
}

export interface AudioLoadOptions {
  fetch: FetchFunction;
  timeoutSeconds: number;
  maxBytes: number;
  signal?: AbortSignal;
}

/**
 * The audio as Whisper wants it: 16 kHz mono samples. A `Float32Array` is taken as samples that
 * already are; everything else must be a WAV file.
 */
export async function loadAudio(audio: unknown, options: AudioLoadOptions): Promise<Float32Array> {
  if (audio instanceof Float32Array) return audio;
  return toMono(decodeWav(await audioBytes(audio, options)));
}

async function audioBytes(audio: unknown, options: AudioLoadOptions): Promise<Uint8Array> {
  if (audio instanceof Uint8Array) return audio;
  if (audio instanceof ArrayBuffer) return new Uint8Array(audio);
  if (ArrayBuffer.isView(audio)) return new Uint8Array(audio.buffer, audio.byteOffset, audio.byteLength);
  const text = audio instanceof URL ? audio.toString() : audio;
  if (typeof text !== "string" || text.trim() === "") {
    throw new AudioSourceError(
      "The audio must be a file path, a URL (http, https, file or data) or the bytes of a WAV file.",
    );
  }
  const source = text.trim();
  if (/^data:/i.test(source)) return dataUrlBytes(source);
  if (/^https?:\/\//i.test(source)) return downloadedBytes(source, options);
  const path = /^file:/i.test(source) ? fileURLToPath(source) : source;
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ENOENT") throw new AudioSourceError(`There is no audio file at ${path}.`);
    throw new AudioSourceError(`Could not read the audio file ${path}: ${(error as Error).message}`);
  }
}

function dataUrlBytes(url: string): Uint8Array {
  const comma = url.indexOf(",");
  if (comma < 0) throw new AudioSourceError("The data URL of the audio has no data.");
  const header = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  return header.endsWith(";base64")
    ? Buffer.from(payload, "base64")
    : Buffer.from(decodeURIComponent(payload), "latin1");
}

async function downloadedBytes(url: string, options: AudioLoadOptions): Promise<Uint8Array> {
  try {
    return await withTimeout(options.timeoutSeconds, options.signal, async (signal) => {
      const response = await options.fetch(url, { signal });
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw new AudioSourceError(`Could not download the audio at ${url}: HTTP ${response.status}.`);
      }
      const declared = Number(response.headers.get("content-length") ?? 0);
      if (declared > options.maxBytes) {
        await response.body?.cancel().catch(() => {});
        throw new AudioSourceError(`The audio at ${url} is larger than ${options.maxBytes} bytes.`);
      }
      const buffer = new Uint8Array(await response.arrayBuffer());
      if (buffer.byteLength > options.maxBytes) {
        throw new AudioSourceError(`The audio at ${url} is larger than ${options.maxBytes} bytes.`);
      }
      return buffer;
    });
  } catch (error) {
    if (isCallerAbort(error, options.signal) || error instanceof AudioSourceError) throw error;
    throw new AudioSourceError(`Could not download the audio at ${url}: ${describeRequestError(error)}.`);
  }
}
