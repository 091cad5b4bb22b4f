import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { env } from "@huggingface/transformers";
import { startFakeWebServer } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ToolSetupError } from "../errors.js";
import { AudioSourceError, loadAudio } from "./audio-source.js";
import { DEFAULT_SPEECH_MODEL, SpeechToTextTool } from "./speech-to-text-tool.js";
import { encodeWav } from "./wav.js";

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "smol-speech-"));
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const oneSecond = () => encodeWav(new Float32Array(48_000).fill(0.1), 48_000);

describe("SpeechToTextTool without a model", () => {
  it("fails with an error naming the model and how to make it available, when offline and uncached", async () => {
    const savedFetch = env.fetch;
    const fetched: string[] = [];
    env.fetch = async (input) => {
      fetched.push(String(input));
      throw new Error("a test must not use the network");
    };
    const tool = new SpeechToTextTool({ cacheDir: join(folder, "empty-cache"), localFilesOnly: true });
    const call = tool.call({ audio: oneSecond() });
    await expect(call).rejects.toThrow(ToolSetupError);
    const message = await call.catch((error: Error) => error.message);
    env.fetch = savedFetch;
    expect(fetched).toEqual([]);
    expect(env.allowRemoteModels).toBe(true); // put back after the load
    expect(message).toContain(
      `The speech-to-text model "${DEFAULT_SPEECH_MODEL}" is not available: Downloads are off (localFilesOnly).`,
    );
    expect(message).toContain(
      `so that it is cached in ${join(folder, "empty-cache")} (set the place with the cacheDir option)`,
    );
    expect(message).toContain(
      `to ${env.localModelPath}${DEFAULT_SPEECH_MODEL} (Transformers.js' env.localModelPath)`,
    );
    expect(tool.isInitialized).toBe(false);
  });

  it("says the model could not be downloaded when the hub does not serve it", async () => {
    // A local stand-in for the Hub that has no model at all.
    const hub = createServer((_request, response) => {
      response.writeHead(404, { "content-type": "text/plain" });
      response.end("Entry not found");
    });
    await new Promise<void>((resolve) => hub.listen(0, "127.0.0.1", resolve));
    const savedHost = env.remoteHost;
    env.remoteHost = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/`;
    try {
      const tool = new SpeechToTextTool({
        modelId: "nobody/whisper-missing",
        cacheDir: join(folder, "cache"),
      });
      const message = await tool.call({ audio: oneSecond() }).then(
        () => "no error",
        (error: Error) => error.message,
      );
      expect(message).toMatch(
        /^The speech-to-text model "nobody\/whisper-missing" is not available: It could not be downloaded/,
      );
    } finally {
      env.remoteHost = savedHost;
      hub.closeAllConnections();
      await new Promise((resolve) => hub.close(resolve));
    }
  });

  it("is transcriber(audio)", () => {
    const tool = new SpeechToTextTool();
    expect(tool.name).toBe("transcriber");
    expect(tool.inputSchema.audio!.type).toBe("audio");
    expect(() => tool.validate()).not.toThrow();
  });
});

describe("loadAudio", () => {
  const options = {
    fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
    timeoutSeconds: 5,
    maxBytes: 1e7,
  };

  it("reads WAV from bytes, a path, a file URL, a data URL and an http URL, as 16 kHz mono", async () => {
    const wav = oneSecond();
    const path = join(folder, "tone.wav");
    await writeFile(path, wav);
    await using web = await startFakeWebServer({
      pages: { "/tone.wav": { contentType: "audio/wav", body: wav } },
    });
    const sources = [
      wav,
      wav.buffer,
      path,
      pathToFileURL(path),
      `data:audio/wav;base64,${Buffer.from(wav).toString("base64")}`,
      `${web.url}/tone.wav`,
    ];
    for (const source of sources) {
      const samples = await loadAudio(source, options);
      expect(samples.length).toBe(16_000);
      expect(samples[100]).toBeCloseTo(0.1, 3);
    }
  });

  it("takes a Float32Array as samples already at 16 kHz", async () => {
    const samples = new Float32Array(10);
    expect(await loadAudio(samples, options)).toBe(samples);
  });

  it("explains a missing file, a failed download and a bad value", async () => {
    await expect(loadAudio(join(folder, "missing.wav"), options)).rejects.toThrow(
      `There is no audio file at ${join(folder, "missing.wav")}.`,
    );
    await using web = await startFakeWebServer();
    await expect(loadAudio(`${web.url}/nothing.wav`, options)).rejects.toThrow(
      `Could not download the audio at ${web.url}/nothing.wav: HTTP 404.`,
    );
    await expect(loadAudio(42, options)).rejects.toThrow(AudioSourceError);
  });
});
