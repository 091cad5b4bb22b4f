import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MultiStepAgent } from "@smol/core";
import { type LoadAgentOptions, loadAgentFromFolder, saveAgent } from "./agent-folder.js";
import { downloadRepo, type HubOptions, type PushOptions, uploadFolder } from "./hub-transfer.js";
import { requireTrust } from "./tool-folder.js";

/**
 * Saves an agent (see `saveAgent`) and uploads the folder to a Hub repo; returns the repo URL.
 *
 * @example
 * await pushAgentToHub(agent, "m-ric/my_agent");
 */
export async function pushAgentToHub(
  agent: MultiStepAgent,
  repoId: string,
  options: PushOptions = {},
): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "smol-agent-"));
  try {
    await saveAgent(agent, folder);
    return await uploadFolder(folder, repoId, options);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/**
 * Loads an agent shared with `pushAgentToHub`. Its tools are code that runs here, so it needs
 * `trustRemoteCode: true`; the model's key comes from the environment.
 *
 * @example
 * const agent = await loadAgentFromHub("m-ric/my_agent", { trustRemoteCode: true });
 */
export async function loadAgentFromHub(
  repoId: string,
  options: LoadAgentOptions & HubOptions = {},
): Promise<MultiStepAgent> {
  requireTrust(options, `the agent ${repoId} from the Hub`);
  const folder = await downloadRepo(repoId, options);
  try {
    return await loadAgentFromFolder(folder, options);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
