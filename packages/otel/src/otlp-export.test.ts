import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { LogLevel, ToolCallingAgent, tool } from "@smol/core";
import { ScriptedModel } from "@smol/core/testing";
import { afterEach, describe, expect, it } from "vitest";
import { instrumentAgent, TRACER_NAME } from "./index.js";

/** What an OTLP/HTTP receiver got: each request's path, headers and decoded JSON body. */
interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: OtlpTraces;
}

/** The parts of OTLP's JSON encoding (ExportTraceServiceRequest) the test reads. */
interface OtlpTraces {
  resourceSpans: {
    scopeSpans: {
      scope: { name: string };
      spans: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        attributes: { key: string; value: Record<string, unknown> }[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

type DecodedSpan = {
  name: string;
  spanId: string;
  parentSpanId?: string;
  status?: { code?: number; message?: string };
  scope: string;
  attributes: Record<string, unknown>;
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A local OTLP/HTTP receiver on 127.0.0.1 that keeps what it is sent. */
async function startReceiver(): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        path: request.url ?? "",
        headers: request.headers,
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as OtlpTraces,
      });
      response.writeHead(200, { "content-type": "application/json" });
      response.end("{}");
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/traces`, received };
}

/** An OTLP AnyValue as a plain value. */
function plain(value: Record<string, unknown>): unknown {
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  if ("arrayValue" in value) {
    const values = (value.arrayValue as { values?: Record<string, unknown>[] }).values ?? [];
    return values.map(plain);
  }
  return value;
}

function decode(received: Received[]): DecodedSpan[] {
  return received.flatMap(({ body }) =>
    body.resourceSpans.flatMap((resource) =>
      resource.scopeSpans.flatMap((scope) =>
        scope.spans.map((span) => ({
          name: span.name,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId || undefined,
          status: span.status,
          scope: scope.scope.name,
          attributes: Object.fromEntries(span.attributes.map(({ key, value }) => [key, plain(value)])),
        })),
      ),
    ),
  );
}

describe("instrumentAgent through the OTLP/HTTP exporter", () => {
  it("delivers the run's spans to a receiver, which decodes names, parents, attributes and errors", async () => {
    const { url, received } = await startReceiver();
    const provider = new BasicTracerProvider({
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
    });
    const weather = tool(
      {
        name: "get_weather",
        description: "Current weather in a city.",
        inputs: { city: { type: "string", description: "The city." } },
        outputType: "string",
      },
      async ({ city }) => {
        if (city === "Atlantis") throw new Error("no such city");
        return `Sunny in ${city}`;
      },
    );
    const model = new ScriptedModel(
      [
        { toolCalls: [{ name: "get_weather", arguments: { city: "Atlantis" } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "Unknown" } }] },
      ],
      { modelId: "gpt-otlp" },
    );
    const agent = new ToolCallingAgent({
      name: "forecaster",
      tools: [weather],
      model,
      verbosityLevel: LogLevel.OFF,
    });
    const instrumentation = instrumentAgent(agent, { tracerProvider: provider });

    await agent.run("Weather in Atlantis?");
    instrumentation.stop();
    await provider.forceFlush();
    await provider.shutdown();

    expect(received.length).toBeGreaterThan(0);
    for (const request of received) {
      expect(request.path).toBe("/v1/traces");
      expect(request.headers["content-type"]).toMatch(/^application\/json/);
    }
    const spans = decode(received);
    expect(spans.map((span) => span.name).sort()).toEqual([
      "chat gpt-otlp",
      "chat gpt-otlp",
      "execute_tool final_answer",
      "execute_tool get_weather",
      "invoke_agent forecaster",
    ]);
    expect(new Set(spans.map((span) => span.scope))).toEqual(new Set([TRACER_NAME]));
    const byName = (name: string) => spans.find((span) => span.name === name)!;
    const run = byName("invoke_agent forecaster");
    expect(run.parentSpanId).toBeUndefined();
    for (const span of spans.filter((s) => s !== run)) expect(span.parentSpanId).toBe(run.spanId);
    expect(run.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_agent",
      "gen_ai.agent.name": "forecaster",
      "gen_ai.usage.input_tokens": 200,
      "gen_ai.usage.output_tokens": 40,
    });
    expect(byName("chat gpt-otlp").attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.request.model": "gpt-otlp",
      "gen_ai.provider.name": "scripted",
      "gen_ai.usage.input_tokens": 100,
    });
    // OTLP's STATUS_CODE_ERROR is 2.
    const failed = byName("execute_tool get_weather");
    expect(failed.status?.code).toBe(2);
    expect(failed.status?.message).toContain("no such city");
    expect(failed.attributes["error.type"]).toBe("AgentToolExecutionError");
    expect(byName("execute_tool final_answer").status?.code ?? 0).not.toBe(2);
  });
});
