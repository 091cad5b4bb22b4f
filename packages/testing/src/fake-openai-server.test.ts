import { afterEach, describe, expect, it } from "vitest";
import {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "./fake-openai-server.js";
import { faultPicker } from "./fake-servers/faults.js";

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(options: FakeOpenAIServerOptions): Promise<FakeOpenAIServer> {
  server = await startFakeOpenAIServer(options);
  return server;
}

function postChat(target: FakeOpenAIServer, body: Record<string, unknown>): Promise<Response> {
  return fetch(`${target.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer test" },
    body: JSON.stringify({ model: "fake-model", messages: [{ role: "user", content: "hi" }], ...body }),
  });
}

/** The JSON payloads of an SSE body, and whether it ended with `[DONE]`. */
function parseSse(text: string): { events: any[]; done: boolean } {
  const blocks = text.split("\n\n").filter((block) => block !== "");
  const done = blocks.at(-1) === "data: [DONE]";
  const events = blocks
    .filter((block) => block !== "data: [DONE]")
    .map((block) => {
      expect(block.startsWith("data: ")).toBe(true);
      return JSON.parse(block.slice("data: ".length));
    });
  return { events, done };
}

describe("fake OpenAI server: protocol", () => {
  it("answers a chat completion with the scripted reply, usage, and records the request", async () => {
    const target = await start({ replies: ["Hello there"] });
    expect(target.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await postChat(target, { temperature: 0.3 });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({
      object: "chat.completion",
      model: "fake-model",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello there" }, finish_reason: "stop" }],
    });
    expect(body.usage.prompt_tokens).toBeGreaterThan(0);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(target.chatRequests).toEqual([
      { model: "fake-model", messages: [{ role: "user", content: "hi" }], temperature: 0.3 },
    ]);
    expect(target.requests[0]?.headers.authorization).toBe("Bearer test");
  });

  it("streams text and tool calls as fragments, with usage last only when asked", async () => {
    const reply = {
      content: "Let me look that up.",
      toolCalls: [{ id: "call_a", name: "web_search", arguments: { query: "smol agents in typescript" } }],
      tokenUsage: { inputTokens: 11, outputTokens: 22 },
    };
    const target = await start({ replies: [reply, reply], chunkSize: 5 });

    const withUsage = parseSse(
      await (await postChat(target, { stream: true, stream_options: { include_usage: true } })).text(),
    );
    expect(withUsage.done).toBe(true);
    const contentPieces = withUsage.events.map((event) => event.choices[0]?.delta?.content).filter(Boolean);
    expect(contentPieces.length).toBeGreaterThan(1);
    expect(contentPieces.join("")).toBe("Let me look that up.");
    const argumentPieces = withUsage.events.flatMap(
      (event) =>
        event.choices[0]?.delta?.tool_calls?.map((call: any) => call.function?.arguments ?? "") ?? [],
    );
    expect(argumentPieces.filter(Boolean).length).toBeGreaterThan(1);
    expect(JSON.parse(argumentPieces.join(""))).toEqual({ query: "smol agents in typescript" });
    const header = withUsage.events.find((event) => event.choices[0]?.delta?.tool_calls?.[0]?.id);
    expect(header.choices[0].delta.tool_calls[0]).toMatchObject({
      index: 0,
      id: "call_a",
      function: { name: "web_search" },
    });
    expect(withUsage.events.at(-2).choices[0].finish_reason).toBe("tool_calls");
    expect(withUsage.events.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 22 },
    });

    const withoutUsage = parseSse(await (await postChat(target, { stream: true })).text());
    expect(withoutUsage.events.some((event) => event.usage)).toBe(false);
  });

  it("stops at the request's stop sequences like a real server", async () => {
    const target = await start({ replies: ["Thought: x\nObservation: invented"] });
    const body = await (await postChat(target, { stop: ["Observation:"] })).json();
    expect(body.choices[0].message.content).toBe("Thought: x\n");
  });

  it("lists models, requires the API key when configured, and 404s unknown routes", async () => {
    const target = await start({ models: ["a", "b"], apiKey: "secret" });
    const unauthorised = await fetch(`${target.baseURL}/models`);
    expect(unauthorised.status).toBe(401);
    const models = await (
      await fetch(`${target.baseURL}/models`, { headers: { authorization: "Bearer secret" } })
    ).json();
    expect(models.data.map((model: { id: string }) => model.id)).toEqual(["a", "b"]);
    expect(
      (await fetch(`${target.url}/nowhere`, { headers: { authorization: "Bearer secret" } })).status,
    ).toBe(404);
  });

  it("takes replies from a function of the request, and says when the queue is empty", async () => {
    const target = await start({ replies: (request) => `echo: ${request.body?.messages?.[0]?.content}` });
    const body = await (await postChat(target, {})).json();
    expect(body.choices[0].message.content).toBe("echo: hi");
    await target.close();

    const empty = await start({ replies: [] });
    const response = await postChat(empty, {});
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/no scripted reply left/);
  });

  it("closes with Symbol.asyncDispose", async () => {
    let url = "";
    {
      await using disposable = await startFakeOpenAIServer({ replies: ["x"] });
      url = disposable.baseURL;
    }
    await expect(fetch(`${url}/models`)).rejects.toThrow();
  });
});

describe("fake OpenAI server: faults", () => {
  it("answers 429 with Retry-After, then the reply (faults do not use replies up)", async () => {
    const target = await start({
      replies: ["ok"],
      faults: [{ kind: "rate-limit", retryAfterSeconds: 3, retryAfterMs: 20 }],
    });
    const limited = await postChat(target, {});
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(limited.headers.get("retry-after-ms")).toBe("20");
    expect((await limited.json()).error.code).toBe("rate_limit_exceeded");
    expect((await (await postChat(target, {})).json()).choices[0].message.content).toBe("ok");
    expect(target.requests[0]?.fault).toEqual({ kind: "rate-limit", retryAfterSeconds: 3, retryAfterMs: 20 });
  });

  it("answers 500, and drops the connection", async () => {
    const target = await start({ replies: ["ok"], faults: ["server-error", "drop-connection"] });
    expect((await postChat(target, {})).status).toBe(500);
    await expect(postChat(target, {})).rejects.toThrow(/fetch failed/);
    expect((await postChat(target, {})).status).toBe(200);
  });

  it("truncates a stream without [DONE]", async () => {
    const target = await start({
      replies: ["a long enough reply to span chunks"],
      faults: ["truncate-stream"],
    });
    const response = await postChat(target, { stream: true });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(/terminated/);
  });

  it("can end a truncated stream cleanly, and cuts a JSON body halfway", async () => {
    const target = await start({
      replies: ["a long enough reply to span chunks", "json"],
      faults: [{ kind: "truncate-stream", afterChunks: 3, endCleanly: true }, "truncate-stream"],
    });
    const cleanEnd = parseSse(await (await postChat(target, { stream: true })).text());
    expect(cleanEnd.done).toBe(false);
    expect(cleanEnd.events).toHaveLength(3);
    expect(cleanEnd.events.every((event) => event.choices[0].finish_reason === null)).toBe(true);
    const cut = await postChat(target, {});
    await expect(cut.text()).rejects.toThrow(/terminated/);
  });

  it("breaks tool-call JSON, adding a call when the reply has none", async () => {
    const target = await start({
      replies: [{ toolCalls: [{ name: "search", arguments: { query: "x" } }] }, "just text"],
      faults: ["malformed-tool-call", "malformed-tool-call"],
    });
    const first = (await (await postChat(target, {})).json()).choices[0].message;
    expect(first.tool_calls[0].function.name).toBe("search");
    expect(() => JSON.parse(first.tool_calls[0].function.arguments)).toThrow();
    const second = (await (await postChat(target, {})).json()).choices[0];
    expect(second.message.tool_calls[0].function.name).toBe("final_answer");
    expect(() => JSON.parse(second.message.tool_calls[0].function.arguments)).toThrow();
    expect(second.finish_reason).toBe("tool_calls");
  });

  it("draws random faults reproducibly from a seed", () => {
    const kinds = (seed: number) => {
      const pick = faultPicker({ probability: 1 / 3, seed });
      return Array.from({ length: 60 }, (_, index) => pick(undefined, index)?.kind ?? "none");
    };
    const first = kinds(7);
    expect(kinds(7)).toEqual(first);
    expect(kinds(8)).not.toEqual(first);
    const faulted = first.filter((kind) => kind !== "none").length;
    expect(faulted).toBeGreaterThan(8);
    expect(faulted).toBeLessThan(32);
    expect(new Set(first.filter((kind) => kind !== "none")).size).toBeGreaterThan(2);
  });
});
