import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import * as restate from "@restatedev/restate-sdk";
import { type AgentObjectOptions, agentObject } from "./agent-object.js";

export interface ListenOptions {
  /** The port the worker listens on (HTTP/2); 0 picks a free one. Default 9080. */
  port?: number;
  /** The interface to listen on. Default `127.0.0.1`; a worker in a container needs `0.0.0.0`. */
  host?: string;
}

export interface ServeAgentOptions extends AgentObjectOptions, ListenOptions {}

export interface ServeAgentsOptions extends ListenOptions {
  /** One virtual object per agent kind, each with its own name. */
  agents: AgentObjectOptions[];
}

export interface AgentWorker {
  /** The bound port: register `http://<host>:<port>` with the Restate server once. */
  readonly port: number;
  readonly url: string;
  /** Stops listening and closes the open connections. */
  close(): Promise<void>;
}

/** Serves one agent as a Restate deployment (a worker process's HTTP/2 endpoint). */
export function serveAgent(options: ServeAgentOptions): Promise<AgentWorker> {
  const { port, host, ...objectOptions } = options;
  return serveAgents({ port, host, agents: [objectOptions] });
}

/** Serves several agents from one deployment (one registration covers them all). */
export async function serveAgents(options: ServeAgentsOptions): Promise<AgentWorker> {
  const { port = 9080, host = "127.0.0.1" } = options;
  const endpoint = restate.endpoint();
  for (const agent of options.agents) endpoint.bind(agentObject(agent));
  const server = http2.createServer(endpoint.http2Handler());
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    port: bound,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const session of sessions) session.destroy();
        server.close(() => resolve());
      }),
  };
}
