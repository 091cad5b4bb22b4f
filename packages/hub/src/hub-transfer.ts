import { mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { createRepo, downloadFile, HubApiError, listFiles, uploadFiles } from "@huggingface/hub";
import { SerializationError } from "./errors.js";

/** Where and how to reach the Hub. */
export interface HubOptions {
  /** Default `https://huggingface.co`; a local fake in tests. */
  hubUrl?: string;
  /** A token (`hf_…`); default `process.env.HF_TOKEN`. Needed to push, and for private repos. */
  accessToken?: string;
  /** The kind of repo. Default `"space"`, where smolagents shares tools and agents. */
  repoType?: "space" | "model" | "dataset";
  /** Branch, tag or commit to download. Default `main`. */
  revision?: string;
}

export interface PushOptions extends HubOptions {
  /** Create the repo private. */
  private?: boolean;
  commitMessage?: string;
}

function hubParameters(repoId: string, options: HubOptions) {
  const accessToken = options.accessToken ?? process.env.HF_TOKEN;
  return {
    repo: { type: options.repoType ?? "space", name: repoId } as const,
    ...(accessToken ? { accessToken } : {}),
    ...(options.hubUrl ? { hubUrl: options.hubUrl.replace(/\/$/, "") } : {}),
  };
}

/**
 * Uploads every file of a folder to a Hub repo (created when missing) in one commit; returns the
 * repo URL.
 */
export async function uploadFolder(
  folder: string,
  repoId: string,
  options: PushOptions = {},
): Promise<string> {
  const parameters = hubParameters(repoId, options);
  if (!parameters.accessToken) {
    throw new SerializationError(`Pushing to ${repoId} needs a Hub token: set HF_TOKEN or pass accessToken.`);
  }
  let repoUrl = `${options.hubUrl ?? "https://huggingface.co"}/${parameters.repo.type === "model" ? "" : `${parameters.repo.type}s/`}${repoId}`;
  try {
    const created = await createRepo({
      ...parameters,
      accessToken: parameters.accessToken,
      ...(options.private !== undefined ? { private: options.private } : {}),
      ...(parameters.repo.type === "space" ? { sdk: "static" as const } : {}),
    });
    repoUrl = created.repoUrl;
  } catch (error) {
    // The repo exists already: push a new commit to it.
    if (!(error instanceof HubApiError && error.statusCode === 409)) throw error;
  }
  const files = await Promise.all(
    (await listFolder(folder)).map(async (path) => ({
      path: path.split(sep).join("/"),
      content: new Blob([await readFile(join(folder, path))]),
    })),
  );
  await uploadFiles({
    ...parameters,
    files,
    commitTitle: options.commitMessage ?? "Upload with @smol/hub",
    useXet: false,
  });
  return repoUrl;
}

/** Downloads every file of a Hub repo into a new temporary folder; returns the folder. */
export async function downloadRepo(repoId: string, options: HubOptions = {}): Promise<string> {
  const parameters = hubParameters(repoId, options);
  const revision = options.revision ?? "main";
  const folder = await mkdtemp(join(tmpdir(), "smol-hub-"));
  let count = 0;
  for await (const entry of listFiles({ ...parameters, recursive: true, revision })) {
    if (entry.type !== "file") continue;
    const target = resolve(folder, entry.path);
    // A hostile listing must not write outside the folder.
    if (relative(folder, target).startsWith("..")) {
      throw new SerializationError(`The repo ${repoId} lists a file outside of it: ${entry.path}`);
    }
    const blob = await downloadFile({ ...parameters, path: entry.path, revision });
    if (!blob) throw new SerializationError(`${entry.path} disappeared from ${repoId} while downloading it.`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, new Uint8Array(await blob.arrayBuffer()));
    count++;
  }
  if (count === 0) throw new SerializationError(`The repo ${repoId} has no files.`);
  return folder;
}

async function listFolder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}
