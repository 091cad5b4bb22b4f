import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

/**
 * The source of a stand-in `mlx_lm.server`: a Node script that takes the real server's
 * `--model`, `--host` and `--port` arguments, logs what it was asked to a file, and serves the
 * OpenAI API on that port by forwarding every request to a fake OpenAI server from
 * `@smol/testing` (which picks its own port, hence the forwarding). Its environment scripts its
 * behaviour: `STAND_IN_DELAY_MS` before listening, `STAND_IN_FAIL` to print that message and
 * exit with status 3 instead.
 */
const standInSource = String.raw`#!/usr/bin/env node
"use strict";
const http = require("node:http");
const fs = require("node:fs");

const log = (entry) => fs.appendFileSync(process.env.STAND_IN_LOG, JSON.stringify(entry) + "\n");
const argv = process.argv.slice(2);
const option = (name) => argv[argv.indexOf(name) + 1];
log({ event: "started", pid: process.pid, argv });
process.stderr.write("Fetching 7 files: 100%|##########| 7/7\n");

if (process.env.STAND_IN_FAIL) {
  process.stderr.write(process.env.STAND_IN_FAIL + "\n");
  process.exit(3);
}

const upstream = new URL(process.env.STAND_IN_UPSTREAM);
const server = http.createServer((request, response) => {
  const forwarded = http.request(
    { host: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: request.headers },
    (reply) => {
      response.writeHead(reply.statusCode, reply.headers);
      reply.pipe(response);
    },
  );
  forwarded.on("error", () => response.destroy());
  request.pipe(forwarded);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    log({ event: "stopped", signal });
    server.close();
    process.exit(0);
  });
}

setTimeout(() => {
  server.listen(Number(option("--port")), option("--host"), () => log({ event: "listening", port: Number(option("--port")) }));
}, Number(process.env.STAND_IN_DELAY_MS || 0));
`;

export interface StandInEvent {
  event: "started" | "listening" | "stopped";
  pid?: number;
  argv?: string[];
  port?: number;
  signal?: string;
}

/**
 * Writes an executable named `mlx_lm.server` into `directory` (put it first on the PATH to make
 * it the one `MLXModel` runs) and returns its path and a reader of its log.
 */
export async function writeStandInServer(directory: string): Promise<{
  command: string;
  logPath: string;
  events(): Promise<StandInEvent[]>;
}> {
  await mkdir(directory, { recursive: true });
  const command = join(directory, "mlx_lm.server");
  const logPath = join(directory, "stand-in.log");
  await writeFile(command, standInSource);
  await chmod(command, 0o755);
  await writeFile(logPath, "");
  return {
    command,
    logPath,
    async events() {
      const text = await readFile(logPath, "utf8");
      return text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as StandInEvent);
    },
  };
}
