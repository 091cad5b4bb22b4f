import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { closeServer, listenOnLoopback, readBody, sendJson } from "../fake-servers/http.js";

/** A model listed by the fake `/api/models`, in the Hub's wire form. */
export interface FakeHubModel {
  id: string;
  pipeline_tag?: string;
  downloads?: number;
  likes?: number;
  tags?: string[];
}

/** One request the fake Hub received. */
export interface FakeHubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
}

export interface FakeHubServer {
  /** `http://127.0.0.1:<port>`: give it as `hubUrl`. */
  readonly url: string;
  readonly requests: FakeHubRequest[];
  /** The files of a repo (`"space"`, `"model"` or `"dataset"`), or undefined when it does not exist. */
  repoFiles(repoType: string, repoId: string): Map<string, Buffer> | undefined;
  /** Creates a repo holding these files (for download tests). */
  addRepo(repoType: string, repoId: string, files: Record<string, string | Buffer>): void;
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** Models served by `/api/models`. */
  models?: FakeHubModel[];
  /** When set, writes need `Authorization: Bearer <token>` (401 otherwise). */
  token?: string;
}

const TYPE_PREFIXES: Record<string, string> = { spaces: "space", datasets: "dataset", models: "model" };

/**
 * A Hugging Face Hub on 127.0.0.1 speaking the endpoints `@huggingface/hub` calls for
 * `createRepo`, `uploadFiles` (preupload + NDJSON commit, every file "regular"), `listFiles`
 * (`/api/<type>s/<repo>/tree`), `downloadFile` (`/<repo>/resolve/<revision>/<path>`, with the
 * `Range: bytes=0-0` probe) and `listModels` (`/api/models`, filtered by `pipeline_tag`,
 * `filter` or `search`, sorted by `sort` descending). State lives in memory.
 *
 * @example
 * const hub = await startFakeHub({ models: [{ id: "acme/bert", pipeline_tag: "text-classification", downloads: 9 }] });
 * for await (const model of listModels({ search: { task: "text-classification" }, hubUrl: hub.url })) console.log(model.name);
 */
export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHubServer> {
  const repos = new Map<string, Map<string, Buffer>>();
  const requests: FakeHubRequest[] = [];
  const models = options.models ?? [];
  const key = (repoType: string, repoId: string) => `${repoType}/${repoId}`;

  function authorized(request: IncomingMessage): boolean {
    return options.token === undefined || request.headers.authorization === `Bearer ${options.token}`;
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);
    const method = request.method ?? "GET";
    requests.push({ method, path, query: url.searchParams, authorization: request.headers.authorization });
    const body = await readBody(request);
    if (method !== "GET" && !authorized(request)) {
      sendJson(response, 401, { error: "Invalid credentials in Authorization header" });
      return;
    }

    if (method === "GET" && path === "/api/models") return listModels(url.searchParams, response);
    if (method === "POST" && path === "/api/repos/create") return createRepo(JSON.parse(body), response);

    const api =
      /^\/api\/(models|spaces|datasets)\/([^/]+\/[^/]+)\/(preupload|commit|tree)\/([^/]+)(?:\/(.*))?$/.exec(
        path,
      );
    if (api) {
      const [, prefix, repoId, action, , subPath] = api;
      const files = repos.get(key(TYPE_PREFIXES[prefix!]!, repoId!));
      if (!files)
        return sendJson(response, 404, { error: "Repository not found" }, { "x-error-code": "RepoNotFound" });
      if (action === "preupload" && method === "POST") {
        const payload = JSON.parse(body) as { files: { path: string }[] };
        return sendJson(response, 200, {
          files: payload.files.map((file) => ({
            path: file.path,
            uploadMode: "regular",
            shouldIgnore: false,
          })),
        });
      }
      if (action === "commit" && method === "POST") return commit(files, body, repoId!, response);
      if (action === "tree" && method === "GET") {
        return listTree(files, subPath ?? "", url.searchParams.get("recursive") === "true", response);
      }
    }

    const resolve = /^\/(?:(spaces|datasets)\/)?([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolve && method === "GET") {
      const [, prefix, repoId, , filePath] = resolve;
      const content = repos.get(key(prefix ? TYPE_PREFIXES[prefix]! : "model", repoId!))?.get(filePath!);
      if (!content)
        return sendJson(response, 404, { error: "Entry not found" }, { "x-error-code": "EntryNotFound" });
      const etag = `"${createHash("sha256").update(content).digest("hex")}"`;
      if (request.headers.range === "bytes=0-0" && content.length > 0) {
        response.writeHead(206, {
          "content-range": `bytes 0-0/${content.length}`,
          etag,
          "content-length": 1,
        });
        response.end(content.subarray(0, 1));
        return;
      }
      response.writeHead(200, {
        etag,
        "content-length": content.length,
        "content-type": "application/octet-stream",
      });
      response.end(content);
      return;
    }
    sendJson(response, 404, { error: `The fake Hub does not serve ${method} ${path}` });
  }

  function listModels(query: URLSearchParams, response: ServerResponse): void {
    const task = query.get("pipeline_tag");
    const filters = query.getAll("filter");
    const search = query.get("search");
    const sort = query.get("sort") as keyof FakeHubModel | null;
    const limit = Number(query.get("limit") ?? "500");
    let found = models.filter(
      (model) =>
        (!task || model.pipeline_tag === task) &&
        filters.every((filter) => model.pipeline_tag === filter || model.tags?.includes(filter)) &&
        (!search || model.id.includes(search)),
    );
    if (sort) found = [...found].sort((a, b) => Number(b[sort] ?? 0) - Number(a[sort] ?? 0));
    sendJson(
      response,
      200,
      found.slice(0, limit).map((model) => ({
        _id: createHash("md5").update(model.id).digest("hex").slice(0, 24),
        id: model.id,
        private: false,
        pipeline_tag: model.pipeline_tag,
        downloads: model.downloads ?? 0,
        likes: model.likes ?? 0,
        gated: false,
        tags: model.tags ?? [],
        lastModified: "2026-01-01T00:00:00.000Z",
      })),
    );
  }

  function createRepo(
    payload: { name: string; organization?: string; type?: string },
    response: ServerResponse,
  ): void {
    const repoId = `${payload.organization}/${payload.name}`;
    const repoType = payload.type ?? "model";
    if (repos.has(key(repoType, repoId))) {
      sendJson(response, 409, { error: "You already created this repo", url: repoUrl(repoType, repoId) });
      return;
    }
    repos.set(key(repoType, repoId), new Map());
    sendJson(response, 200, { url: repoUrl(repoType, repoId), id: repoId });
  }

  function commit(files: Map<string, Buffer>, body: string, repoId: string, response: ServerResponse): void {
    for (const line of body.split("\n").filter((text) => text.trim() !== "")) {
      const { key: kind, value } = JSON.parse(line) as { key: string; value: Record<string, string> };
      if (kind === "file")
        files.set(value.path!, Buffer.from(value.content!, value.encoding === "base64" ? "base64" : "utf8"));
      if (kind === "deletedFile") files.delete(value.path!);
    }
    const commitOid = createHash("sha1").update(body).digest("hex");
    sendJson(response, 200, { commitOid, commitUrl: `${server.url}/${repoId}/commit/${commitOid}` });
  }

  function listTree(
    files: Map<string, Buffer>,
    folder: string,
    recursive: boolean,
    response: ServerResponse,
  ): void {
    const prefix = folder === "" ? "" : `${folder.replace(/\/$/, "")}/`;
    const entries = new Map<string, { type: string; path: string; size: number; oid: string }>();
    for (const [path, content] of files) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (!recursive && slash !== -1) {
        const directory = prefix + rest.slice(0, slash);
        entries.set(directory, { type: "directory", path: directory, size: 0, oid: "0" });
        continue;
      }
      if (recursive) {
        const parts = rest.split("/");
        for (let index = 1; index < parts.length; index++) {
          const directory = prefix + parts.slice(0, index).join("/");
          entries.set(directory, { type: "directory", path: directory, size: 0, oid: "0" });
        }
      }
      entries.set(path, {
        type: "file",
        path,
        size: content.length,
        oid: createHash("sha1").update(content).digest("hex"),
      });
    }
    sendJson(response, 200, [...entries.values()]);
  }

  function repoUrl(repoType: string, repoId: string): string {
    return `${server.url}/${repoType === "model" ? "" : `${repoType}s/`}${repoId}`;
  }

  const httpServer = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 400, { error: `fake Hub: ${String(error)}` });
      else response.destroy();
    });
  });
  const url = await listenOnLoopback(httpServer);
  const server: FakeHubServer = {
    url,
    requests,
    repoFiles: (repoType, repoId) => repos.get(key(repoType, repoId)),
    addRepo(repoType, repoId, files) {
      repos.set(
        key(repoType, repoId),
        new Map(Object.entries(files).map(([path, content]) => [path, Buffer.from(content)])),
      );
    },
    close: () => closeServer(httpServer),
  };
  return server;
}
