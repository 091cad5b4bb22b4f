import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PipelineType } from "@huggingface/hub";
import { Tool, tool } from "@smol/core";
import { type FakeHubServer, startFakeHub } from "@smol/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SerializationError, UntrustedCodeError } from "./errors.js";
import "./index.js";
import { loadToolFromFolder, saveTool } from "./tool-folder.js";
import { loadTool, pushToolToHub } from "./tool-hub.js";

// The seed's model_download_tool, as a function: self-contained, it imports what it uses and
// reads the Hub's address from HF_ENDPOINT like the Python client does. (The type-only import
// of PipelineType is erased, so the saved source needs nothing from this file.)
const modelDownloadTool = tool(
  {
    name: "model_download_tool",
    description: "Returns the most downloaded model of a given task on the Hugging Face Hub, as its id.",
    inputs: { task: { type: "string", description: "The task, e.g. text-classification." } },
    outputType: "string",
  },
  async ({ task }) => {
    const { listModels } = await import("@huggingface/hub");
    const hubUrl = process.env.HF_ENDPOINT;
    for await (const model of listModels({
      search: { task: task as PipelineType },
      sort: "downloads",
      limit: 1,
      ...(hubUrl ? { hubUrl } : {}),
    })) {
      return model.name;
    }
    return `No model found for the task ${task}.`;
  },
);

// The same tool as a Tool subclass.
class ModelDownloadTool extends Tool {
  name = "model_download_tool";
  description = "Returns the most downloaded model of a given task on the Hugging Face Hub, as its id.";
  inputs = { task: { type: "string", description: "The task, e.g. text-classification." } };
  outputType = "string";

  async forward({ task }: { task: string }) {
    const { listModels } = await import("@huggingface/hub");
    const hubUrl = process.env.HF_ENDPOINT;
    for await (const model of listModels({
      search: { task: task as PipelineType },
      sort: "downloads",
      limit: 1,
      ...(hubUrl ? { hubUrl } : {}),
    })) {
      return model.name;
    }
    return `No model found for the task ${task}.`;
  }
}

let hub: FakeHubServer;
let folder: string;
const savedEndpoint = process.env.HF_ENDPOINT;

beforeAll(async () => {
  hub = await startFakeHub({
    token: "hf_fake_token",
    models: [
      { id: "acme/small-classifier", pipeline_tag: "text-classification", downloads: 10 },
      { id: "acme/popular-classifier", pipeline_tag: "text-classification", downloads: 5000 },
      { id: "acme/whisper", pipeline_tag: "automatic-speech-recognition", downloads: 90000 },
    ],
  });
  process.env.HF_ENDPOINT = hub.url;
});
afterAll(async () => {
  if (savedEndpoint === undefined) delete process.env.HF_ENDPOINT;
  else process.env.HF_ENDPOINT = savedEndpoint;
  await hub.close();
});
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "smol-hub-test-"));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("model_download_tool against the fake Hub", () => {
  it.each([
    ["tool()", modelDownloadTool],
    ["Tool subclass", new ModelDownloadTool()],
  ])("the %s form returns the most downloaded model of the task", async (_form, downloadTool) => {
    expect(await downloadTool.call({ task: "text-classification" })).toBe("acme/popular-classifier");
    expect(await downloadTool.call({ task: "image-to-3d" })).toBe("No model found for the task image-to-3d.");
    const request = hub.requests.findLast((entry) => entry.path === "/api/models");
    expect(request?.query.get("pipeline_tag")).toBe("image-to-3d");
    expect(request?.query.get("sort")).toBe("downloads");
  });
});

describe("saving tools to a folder", () => {
  it.each([
    ["tool()", modelDownloadTool],
    ["Tool subclass", new ModelDownloadTool()],
  ])("round-trips the %s form, which still works once loaded", async (_form, downloadTool) => {
    await saveTool(downloadTool, folder);
    const manifest = JSON.parse(await readFile(join(folder, "tool.json"), "utf8"));
    expect(manifest).toEqual(downloadTool.toDict());
    const source = await readFile(join(folder, "tool.mjs"), "utf8");
    expect(source).toContain('import("@huggingface/hub")');
    expect(source).not.toContain("__vite_ssr");

    const loaded = await loadToolFromFolder(folder, { trustRemoteCode: true });
    expect(loaded).toBeInstanceOf(Tool);
    expect(loaded).not.toBe(downloadTool);
    expect(loaded.toDict()).toEqual(downloadTool.toDict());
    expect(await loaded.call({ task: "automatic-speech-recognition" })).toBe("acme/whisper");
  });

  it("refuses to run the code without trustRemoteCode", async () => {
    await saveTool(modelDownloadTool, folder);
    await expect(loadToolFromFolder(folder)).rejects.toThrow(UntrustedCodeError);
    await expect(loadToolFromFolder(folder, { trustRemoteCode: false })).rejects.toThrow(
      /trustRemoteCode: true/,
    );
  });

  it("keeps zod inputs as their dict form", async () => {
    const { z } = await import("zod");
    const add = tool(
      {
        name: "add",
        description: "Adds two integers.",
        outputType: "integer",
        inputs: z.object({ a: z.number().int().describe("First."), b: z.number().int().describe("Second.") }),
      },
      ({ a, b }) => a + b,
    );
    await saveTool(add, folder);
    const loaded = await loadToolFromFolder(folder, { trustRemoteCode: true });
    expect(loaded.inputSchema).toEqual(add.inputSchema);
    expect(await loaded.call({ a: 2, b: 40 })).toBe(42);
  });

  it("explains what is wrong with a broken folder", async () => {
    await expect(loadToolFromFolder(folder, { trustRemoteCode: true })).rejects.toThrow(
      /tool\.json is missing/,
    );
    await writeFile(join(folder, "tool.json"), JSON.stringify({ name: "add", description: "Adds." }));
    await writeFile(join(folder, "tool.mjs"), "export const add = 1;\n");
    await expect(loadToolFromFolder(folder, { trustRemoteCode: true })).rejects.toThrow(
      /no "export default"/,
    );
    await writeFile(join(folder, "tool.mjs"), "export default 42;\n");
    await expect(loadToolFromFolder(folder, { trustRemoteCode: true })).rejects.toThrow(SerializationError);
  });

  it("saves a toolkit tool as an import of its class", async () => {
    const { VisitWebpageTool } = await import("@smol/tools-toolkit");
    await saveTool(new VisitWebpageTool(), folder);
    expect(await readFile(join(folder, "tool.mjs"), "utf8")).toContain(
      'import { VisitWebpageTool } from "@smol/tools-toolkit";',
    );
    const loaded = await loadToolFromFolder(folder, { trustRemoteCode: true });
    expect(loaded).toBeInstanceOf(VisitWebpageTool);
  });

  it("refuses a tool whose function is a method", async () => {
    const holder = {
      run() {
        return "x";
      },
    };
    const methodTool = tool(
      { name: "method_tool", description: "A method.", inputs: {}, outputType: "string" },
      holder.run,
    );
    await expect(saveTool(methodTool, folder)).rejects.toThrow(/arrow function/);
  });
});

describe("sharing tools on the fake Hub", () => {
  it("pushes a tool and loads it back", async () => {
    const url = await pushToolToHub(new ModelDownloadTool(), "m-ric/model_download_tool", {
      hubUrl: hub.url,
      accessToken: "hf_fake_token",
    });
    expect(url).toBe(`${hub.url}/spaces/m-ric/model_download_tool`);
    expect([...(hub.repoFiles("space", "m-ric/model_download_tool")?.keys() ?? [])].sort()).toEqual([
      "tool.json",
      "tool.mjs",
    ]);
    // Pushing again commits to the existing repo.
    await pushToolToHub(modelDownloadTool, "m-ric/model_download_tool", {
      hubUrl: hub.url,
      accessToken: "hf_fake_token",
    });

    const loaded = await loadTool("m-ric/model_download_tool", { trustRemoteCode: true, hubUrl: hub.url });
    expect(loaded.name).toBe("model_download_tool");
    expect(await loaded.call({ task: "text-classification" })).toBe("acme/popular-classifier");
  });

  it("works through the methods that importing @smol/hub adds", async () => {
    await modelDownloadTool.save(folder);
    expect((await Tool.fromFolder(folder, { trustRemoteCode: true })).name).toBe("model_download_tool");
    await new ModelDownloadTool().pushToHub("m-ric/by_method", {
      hubUrl: hub.url,
      accessToken: "hf_fake_token",
    });
    const loaded = await Tool.fromHub("m-ric/by_method", { trustRemoteCode: true, hubUrl: hub.url });
    expect(await loaded.call({ task: "text-classification" })).toBe("acme/popular-classifier");
  });

  it("needs trustRemoteCode before downloading, and a token to push", async () => {
    await expect(loadTool("m-ric/model_download_tool", { hubUrl: hub.url })).rejects.toThrow(
      UntrustedCodeError,
    );
    await expect(
      pushToolToHub(modelDownloadTool, "m-ric/other", { hubUrl: hub.url, accessToken: "hf_wrong_token" }),
    ).rejects.toThrow(/credentials|401/i);
    await expect(loadTool("m-ric/missing", { trustRemoteCode: true, hubUrl: hub.url })).rejects.toThrow(
      /not found/i,
    );
  });
});
