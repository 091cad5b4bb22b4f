import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, readBody, sendJson } from "../fake-servers/http.js";

/** One parameter of a fake Gradio endpoint. */
export interface FakeGradioParameter {
  name: string;
  /** JSON type: `string`, `number`, `boolean`. */
  type: string;
  label?: string;
  /** A default value makes the parameter optional. */
  default?: unknown;
  /** The Gradio component, `Textbox` by default. */
  component?: string;
}

/** An endpoint of the fake app: its parameters, returns and the function that answers. */
export interface FakeGradioEndpoint {
  apiName: string;
  parameters: FakeGradioParameter[];
  returns: { type: string; label?: string; component?: string }[];
  run(...values: unknown[]): unknown[] | Promise<unknown[]>;
  /** Run through the queue (`queue/join`, then server-sent events on `queue/data`), as most Spaces do. */
  queue?: boolean;
}

export interface FakeGradioServer {
  /** `http://127.0.0.1:<port>/`: give it to `Client.connect` / `toolFromSpace`. */
  readonly url: string;
  /** The `data` arrays the app received, by endpoint. */
  readonly calls: { apiName: string; data: unknown[] }[];
  close(): Promise<void>;
}

const API_PREFIX = "/gradio_api";

/**
 * A Gradio app on 127.0.0.1 as `@gradio/client` sees it: `/config` (dependencies and
 * components), `/gradio_api/info` (the named endpoints' parameters) and `POST
 * /gradio_api/run/<api_name>` for events without a queue; queued events (`queue: true`) go through
 * `POST /gradio_api/queue/join` and the server-sent events of `GET /gradio_api/queue/data`
 * (protocol `sse_v3`: `process_starts`, `process_completed`, `close_stream`).
 *
 * @example
 * const app = await startFakeGradio([{ apiName: "predict", parameters: [{ name: "prompt", type: "string" }],
 *   returns: [{ type: "string" }], run: (prompt) => [`echo ${prompt}`] }]);
 */
export async function startFakeGradio(endpoints: FakeGradioEndpoint[]): Promise<FakeGradioServer> {
  const calls: { apiName: string; data: unknown[] }[] = [];
  /** Queued jobs by session, answered on the session's event stream. */
  const queued = new Map<string, { eventId: string; endpoint: FakeGradioEndpoint; data: unknown[] }[]>();
  let eventCount = 0;
  const components: Record<string, unknown>[] = [];
  const dependencies = endpoints.map((endpoint, index) => {
    const component = (type: string) => {
      components.push({ id: components.length + 1, type, props: {} });
      return components.length;
    };
    return {
      id: index,
      api_name: endpoint.apiName,
      inputs: endpoint.parameters.map((parameter) =>
        component((parameter.component ?? "Textbox").toLowerCase()),
      ),
      outputs: endpoint.returns.map((value) => component((value.component ?? "Textbox").toLowerCase())),
      targets: [],
      queue: endpoint.queue ?? false,
      types: { generator: false, cancel: false },
      api_visibility: "public",
    };
  });

  function info() {
    return {
      named_endpoints: Object.fromEntries(
        endpoints.map((endpoint) => [
          `/${endpoint.apiName}`,
          {
            parameters: endpoint.parameters.map((parameter) => ({
              label: parameter.label ?? parameter.name,
              parameter_name: parameter.name,
              parameter_has_default: parameter.default !== undefined,
              parameter_default: parameter.default ?? null,
              type: { type: parameter.type },
              python_type: { type: parameter.type === "string" ? "str" : parameter.type, description: "" },
              component: parameter.component ?? "Textbox",
            })),
            returns: endpoint.returns.map((value) => ({
              label: value.label ?? "output",
              type: { type: value.type },
              python_type: { type: value.type === "string" ? "str" : value.type, description: "" },
              component: value.component ?? "Textbox",
            })),
          },
        ]),
      ),
      unnamed_endpoints: {},
    };
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    const body = await readBody(request);
    if (request.method === "GET" && path === "/config") {
      return sendJson(response, 200, {
        version: "5.0.0",
        protocol: "sse_v3",
        enable_queue: endpoints.some((endpoint) => endpoint.queue),
        api_prefix: API_PREFIX,
        app_id: 1,
        components,
        dependencies,
      });
    }
    if (request.method === "GET" && path === `${API_PREFIX}/info`) return sendJson(response, 200, info());
    if (request.method === "POST" && path === `${API_PREFIX}/queue/join`) {
      const {
        data,
        fn_index: fnIndex,
        session_hash: sessionHash,
      } = JSON.parse(body) as {
        data: unknown[];
        fn_index: number;
        session_hash: string;
      };
      const endpoint = endpoints[fnIndex];
      if (!endpoint) return sendJson(response, 422, { detail: `No function ${fnIndex}` });
      const eventId = `event-${++eventCount}`;
      const jobs = queued.get(sessionHash) ?? [];
      jobs.push({ eventId, endpoint, data });
      queued.set(sessionHash, jobs);
      return sendJson(response, 200, { event_id: eventId });
    }
    if (request.method === "GET" && path === `${API_PREFIX}/queue/data`) {
      const sessionHash =
        new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get("session_hash") ?? "";
      const jobs = queued.get(sessionHash) ?? [];
      queued.delete(sessionHash);
      response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      const send = (message: Record<string, unknown>) =>
        response.write(`data: ${JSON.stringify(message)}\n\n`);
      for (const job of jobs) {
        calls.push({ apiName: job.endpoint.apiName, data: job.data });
        send({ msg: "process_starts", event_id: job.eventId });
        try {
          const output = await job.endpoint.run(...job.data);
          send({ msg: "process_completed", event_id: job.eventId, output: { data: output }, success: true });
        } catch (error) {
          const message = String((error as Error).message ?? error);
          send({
            msg: "process_completed",
            event_id: job.eventId,
            output: { error: message },
            success: false,
          });
        }
      }
      send({ msg: "close_stream" });
      response.end();
      return;
    }
    const run = new RegExp(`^${API_PREFIX}/run/(.+)$`).exec(path);
    const endpoint = run && endpoints.find((candidate) => candidate.apiName === run[1]);
    if (request.method === "POST" && endpoint) {
      const { data } = JSON.parse(body) as { data: unknown[] };
      calls.push({ apiName: endpoint.apiName, data });
      try {
        return sendJson(response, 200, {
          data: await endpoint.run(...data),
          is_generating: false,
          duration: 0.01,
        });
      } catch (error) {
        return sendJson(response, 500, { error: String((error as Error).message ?? error) });
      }
    }
    sendJson(response, 404, { detail: "Not Found" });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) =>
      sendJson(response, 400, { error: `fake Gradio: ${String(error)}` }),
    );
  });
  const url = `${await listenOnLoopback(server)}/`;
  return { url, calls, close: () => closeServer(server) };
}
