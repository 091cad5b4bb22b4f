import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "@smol/core";
import { downloadRepo, type HubOptions, type PushOptions, uploadFolder } from "./hub-transfer.js";
import {
  type LoadToolOptions,
  loadToolFromFolder,
  readToolManifest,
  requireTrust,
  saveTool,
} from "./tool-folder.js";

/**
 * Saves a tool (see `saveTool`) and uploads it to a Hub repo; returns the repo URL.
 *
 * @example
 * await pushToolToHub(modelDownloadTool, "m-ric/model_download_tool", { accessToken: process.env.HF_TOKEN });
 */
export async function pushToolToHub(tool: Tool, repoId: string, options: PushOptions = {}): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "smol-tool-"));
  try {
    await saveTool(tool, folder);
    return await uploadFolder(folder, repoId, options);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Loads a tool shared on the Hub with `pushToolToHub`. Its code runs here: pass
 * `trustRemoteCode: true` once you have read it.
 *
 * @example
 * const tool = await loadTool("m-ric/model_download_tool", { trustRemoteCode: true });
 */
export async function loadTool(repoId: string, options: LoadToolOptions & HubOptions = {}): Promise<Tool> {
  requireTrust(options, `the tool ${repoId} from the Hub`);
  const folder = await downloadRepo(repoId, options);
  try {
    await readToolManifest(folder);
    return await loadToolFromFolder(folder, options);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
