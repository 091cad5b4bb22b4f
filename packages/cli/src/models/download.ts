import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SmolError } from "@smol/core";

export interface DownloadProgress {
  receivedBytes: number;
  /** From `Content-Length`; undefined when the server did not say. */
  totalBytes: number | undefined;
}

/** The download could not happen: no network, a server error, a broken transfer. */
export class DownloadError extends SmolError {
  static override readonly errorName: string = "DownloadError";
}

/**
 * Downloads `url` to `destination`, reporting progress. The bytes go to `<destination>.part`,
 * renamed at the end: an interrupted download never leaves a truncated file under the real name.
 *
 * @example
 * await downloadFile("https://example.org/model.gguf", "/tmp/model.gguf", { onProgress: console.log });
 */
export async function downloadFile(
  url: string,
  destination: string,
  options: { onProgress?: (progress: DownloadProgress) => void; signal?: AbortSignal } = {},
): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, { signal: options.signal, redirect: "follow" });
  } catch (error) {
    throw new DownloadError(`could not reach ${new URL(url).host} (${networkReason(error)})`, {
      cause: error,
    });
  }
  if (!response.ok || !response.body) {
    throw new DownloadError(`${url} answered HTTP ${response.status} ${response.statusText}`.trim());
  }
  const lengthHeader = Number(response.headers.get("content-length"));
  const totalBytes = Number.isFinite(lengthHeader) && lengthHeader > 0 ? lengthHeader : undefined;
  const partial = `${destination}.part`;
  await mkdir(dirname(destination), { recursive: true });
  let receivedBytes = 0;
  const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    receivedBytes += chunk.length;
    options.onProgress?.({ receivedBytes, totalBytes });
  });
  try {
    await pipeline(body, createWriteStream(partial), { signal: options.signal });
  } catch (error) {
    await rm(partial, { force: true });
    throw new DownloadError(`the download from ${new URL(url).host} broke off (${networkReason(error)})`, {
      cause: error,
    });
  }
  if (totalBytes !== undefined && receivedBytes !== totalBytes) {
    await rm(partial, { force: true });
    throw new DownloadError(`the download stopped after ${receivedBytes} of ${totalBytes} bytes`);
  }
  await rename(partial, destination);
}

/** The most telling part of a fetch failure: `ENOTFOUND`, `ECONNREFUSED`, … else the deepest message. */
export function networkReason(error: unknown): string {
  let current: unknown = error;
  let deepestMessage = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 6 && current; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "" && !code.startsWith("ABORT")) return code;
    if (current instanceof Error && current.message) deepestMessage = current.message;
    current = (current as { cause?: unknown }).cause;
  }
  return deepestMessage;
}
