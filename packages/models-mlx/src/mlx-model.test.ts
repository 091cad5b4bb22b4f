import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import {
  aggregateStreamDeltas,
  type ChatMessageStreamDelta,
  ModelConfigurationError,
  messageText,
} from "@smol/core";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@smol/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MLXModel, type MLXModelOptions } from "./index.js";
import { type StandInEvent, writeStandInServer } from "./test-support/stand-in-server.js";

const modelId = "mlx-community/Qwen2.5-Coder-32B-Instruct-4bit";
const appleSilicon = { os: "darwin", arch: "arm64" };

let directory: string;
let standIn: Awaited<ReturnType<typeof writeStandInServer>>;
let upstream: FakeOpenAIServer;
const models: MLXModel[] = [];

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "smol-mlx-"));
  standIn = await writeStandInServer(join(directory, "bin"));
  upstream = await startFakeOpenAIServer({
    replies: (request) => `mlx says: ${request.body?.messages?.at(-1)?.content}`,
    models: [modelId],
  });
});

afterAll(async () => {
  await upstream?.close();
  await rm(directory, { recursive: true, force: true });
});

beforeEach(async () => {
  // The default command, `mlx_lm.server`, is found on the PATH: the stand-in comes first.
  vi.stubEnv("PATH", `${join(directory, "bin")}${delimiter}${process.env.PATH}`);
  vi.stubEnv("STAND_IN_LOG", standIn.logPath);
  vi.stubEnv("STAND_IN_UPSTREAM", upstream.url);
  const { writeFile } = await import("node:fs/promises");
  await writeFile(standIn.logPath, "");
});

afterEach(async () => {
  for (const model of models.splice(0)) await model.dispose();
  vi.unstubAllEnvs();
});

function startedModel(options: Partial<MLXModelOptions> = {}, output: string[] = []): MLXModel {
  const model = new MLXModel({
    modelId,
    platform: appleSilicon,
    onServerOutput: (text) => output.push(text),
    retryBaseDelayMs: 1,
    ...options,
  });
  models.push(model);
  return model;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventsOf(kind: StandInEvent["event"]): Promise<StandInEvent[]> {
  return (await standIn.events()).filter((event) => event.event === kind);
}

describe("MLXModel starting mlx_lm.server", () => {
  it("refuses to start a server off Apple silicon, and says what to do instead", async () => {
    const intel = { os: "darwin", arch: "x64" };
    expect(() => new MLXModel(modelId, { platform: intel })).toThrow(ModelConfigurationError);
    expect(() => new MLXModel(modelId, { platform: { os: "linux", arch: "x64" } })).toThrow(
      /Apple silicon.*this machine is linux x64.*baseUrl.*LlamaCppModel/s,
    );
    expect(await standIn.events()).toEqual([]);
  });

  it.skipIf(process.platform === "darwin" && process.arch === "arm64")(
    "checks the machine it runs on by default",
    () => {
      expect(() => new MLXModel(modelId)).toThrow(`this machine is ${process.platform} ${process.arch}`);
    },
  );

  it("starts the server for the model on a free port, waits until it serves, then talks to it", async () => {
    vi.stubEnv("STAND_IN_DELAY_MS", "700");
    const output: string[] = [];
    const model = startedModel({ serverArguments: ["--trust-remote-code"], temperature: 0.1 }, output);

    const reply = await model.generate([{ role: "user", content: "Fibonacci 118?" }]);

    expect(messageText(reply)).toBe("mlx says: Fibonacci 118?");
    const [started] = await eventsOf("started");
    const port = Number(started?.argv?.[5]);
    expect(started?.argv).toEqual([
      "--model",
      modelId,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--trust-remote-code",
    ]);
    expect(port).toBeGreaterThan(0);
    expect(await eventsOf("listening")).toEqual([{ event: "listening", port }]);
    expect(output.join("")).toContain("Fetching 7 files");
    const chat = upstream.chatRequests.at(-1);
    expect(chat).toMatchObject({ model: modelId, temperature: 0.1 });

    // The running server serves the next calls, streams included.
    const deltas: ChatMessageStreamDelta[] = [];
    for await (const delta of model.generateStream([{ role: "user", content: "again" }])) deltas.push(delta);
    expect(aggregateStreamDeltas(deltas).content).toBe("mlx says: again");
    expect(await eventsOf("started")).toHaveLength(1);

    await model.dispose();
    expect(await eventsOf("stopped")).toEqual([{ event: "stopped", signal: "SIGTERM" }]);
    expect(isRunning(started!.pid!)).toBe(false);
  });

  it("starts a new server when the one it started died", async () => {
    const model = startedModel();
    await model.start();
    const [first] = await eventsOf("started");
    process.kill(first!.pid!, "SIGKILL");
    for (let wait = 0; wait < 50 && isRunning(first!.pid!); wait++)
      await new Promise((resolve) => setTimeout(resolve, 20));

    const reply = await model.generate([{ role: "user", content: "still there?" }]);

    expect(messageText(reply)).toBe("mlx says: still there?");
    const started = await eventsOf("started");
    expect(started).toHaveLength(2);
    expect(started[1]!.pid).not.toBe(first!.pid);
  });

  it("reports a server that exits while starting, with its last output", async () => {
    vi.stubEnv("STAND_IN_FAIL", "ValueError: No safetensors found for mlx-community/unknown");
    const model = startedModel({ modelId: "mlx-community/unknown" });
    const error = await model.generate([{ role: "user", content: "Hi" }]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/exited \(code 3\) before serving mlx-community\/unknown/);
    expect((error as Error).message).toContain("No safetensors found");
  });

  it("gives up on a server that does not answer in time, and stops it", async () => {
    vi.stubEnv("STAND_IN_DELAY_MS", "60000");
    // Long enough for the stand-in's Node to boot and set up its SIGTERM handler, on a busy machine too.
    const model = startedModel({ startupTimeoutMs: 3000 });
    const error = await model.generate([{ role: "user", content: "Hi" }]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /did not answer at http:\/\/127\.0\.0\.1:\d+ within 3 s.*startupTimeoutMs/s,
    );
    const [started] = await eventsOf("started");
    expect(await eventsOf("stopped")).toEqual([{ event: "stopped", signal: "SIGTERM" }]);
    expect(isRunning(started!.pid!)).toBe(false);
  });

  it("says how to install mlx-lm when the command is missing", async () => {
    const model = startedModel({ command: join(directory, "missing", "mlx_lm.server") });
    await expect(model.generate([{ role: "user", content: "Hi" }])).rejects.toThrow(
      /could not find .*pip install mlx-lm/,
    );
  });
});

describe("MLXModel attached to a running server", () => {
  it("talks to the server at baseUrl, on any machine, and starts nothing", async () => {
    const model = new MLXModel(modelId, { baseUrl: upstream.url, max_tokens: 100 });
    const reply = await model.generate([{ role: "user", content: "attached" }]);
    expect(messageText(reply)).toBe("mlx says: attached");
    expect(upstream.chatRequests.at(-1)).toMatchObject({ model: modelId, max_tokens: 100 });
    expect(await standIn.events()).toEqual([]);
    // `apiBase`, OpenAIModel's name for it, works too.
    const viaApiBase = new MLXModel({ modelId, apiBase: `${upstream.url}/v1` });
    expect(messageText(await viaApiBase.generate([{ role: "user", content: "alias" }]))).toBe(
      "mlx says: alias",
    );
  });

  it("saves and restores itself", () => {
    const model = new MLXModel({ modelId, baseUrl: "http://192.168.1.20:8080", temperature: 0.2 });
    const saved = model.toDict();
    expect(saved).toMatchObject({
      class: "MLXModel",
      modelId,
      baseUrl: "http://192.168.1.20:8080",
      temperature: 0.2,
    });
    expect(JSON.stringify(saved)).not.toContain("apiKey");
    expect(MLXModel.fromDict(JSON.parse(JSON.stringify(saved))).toDict()).toEqual(saved);
  });
});
