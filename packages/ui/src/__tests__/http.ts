/** Raw HTTP requests to an AgentUI server, the way a script (or an attacker) would send them. */
import { request } from "node:http";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function rawRequest(
  url: string,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    chunks?: Buffer[];
  },
): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: target.hostname,
        port: target.port,
        method: options.method ?? "POST",
        path: options.path,
        headers: options.headers,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    // A server that refuses a body early may close the socket while it is still being sent.
    outgoing.on("error", reject);
    if (options.chunks) {
      for (const chunk of options.chunks) outgoing.write(chunk);
      outgoing.end();
    } else {
      outgoing.end(options.body);
    }
  });
}

/** Open a session the way the page does; returns its id. */
export async function openSession(url: string): Promise<string> {
  const response = await rawRequest(url, {
    path: "/api/sessions",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  if (response.status !== 201) throw new Error(`session not created: ${response.status} ${response.body}`);
  return (JSON.parse(response.body) as { sessionId: string }).sessionId;
}

/** Upload raw bytes under `name` (sent as is in the query string, so it may be hostile). */
export function uploadRaw(url: string, sessionId: string, encodedName: string, body: string | Buffer) {
  return rawRequest(url, {
    path: `/api/sessions/${sessionId}/uploads?name=${encodedName}`,
    headers: { "content-type": "application/octet-stream" },
    body,
  });
}

/** The ViewEvents of an SSE body. */
export function parseEventStream(body: string): { kind: string; [key: string]: unknown }[] {
  return body
    .split("\n\n")
    .filter((block) => block.startsWith("data: "))
    .map((block) => JSON.parse(block.slice("data: ".length)));
}
