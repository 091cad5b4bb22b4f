/**
 * Saving files the user uploads. The name the browser sends is only a hint: it is checked
 * (anything that looks like a path or hides characters is refused), then the file is stored
 * under a fresh name made of safe characters, created exclusively inside the upload folder.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, realpath, unlink } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AgentUIRequestError } from "./errors.js";

/** An uploaded file, as the session remembers it. */
export interface UploadedFile {
  /** The name the file is stored under, unique in the folder. */
  storedName: string;
  /** The name the user's file had. */
  originalName: string;
  /** Absolute path: what the agent is told. */
  path: string;
  size: number;
}

const maxNameLength = 255;
// Control characters, and the bidirectional overrides that can make `txt.exe` read as `exe.txt`.
const hiddenCharacters = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Reserved on Windows or meaningful to shells; no real file name needs them.
const reservedCharacters = /[<>:"|?*]/;

function refuse(reason: string): never {
  throw new AgentUIRequestError(`File name refused: ${reason}`, 400, "bad-file-name");
}

/**
 * Check the name an upload came with; return it unchanged when acceptable.
 *
 * @example
 * checkUploadName("report.pdf"); // "report.pdf"
 * checkUploadName("../../etc/passwd"); // throws AgentUIRequestError (400)
 */
export function checkUploadName(name: string): string {
  if (name.length === 0) refuse("the name is empty.");
  if (name.length > maxNameLength) refuse(`the name is longer than ${maxNameLength} characters.`);
  if (name.includes("\u0000")) refuse("the name contains a NUL character.");
  if (hiddenCharacters.test(name)) refuse("the name contains control or direction-changing characters.");
  if (name.includes("/") || name.includes("\\")) refuse("send a file name, not a path (no / or \\).");
  if (/^[A-Za-z]:/.test(name)) refuse("send a file name, not an absolute path.");
  if (name.includes("..")) refuse('the name contains "..".');
  if (reservedCharacters.test(name)) refuse('the name contains one of < > : " | ? *.');
  if (name.trim() === "" || name.trim() === ".") refuse("the name has no visible characters.");
  return name;
}

/**
 * A new name to store an accepted upload under: the original stem reduced to `[A-Za-z0-9._-]`,
 * a random suffix so that two uploads never collide, and the original extension.
 *
 * @example
 * storedUploadName("My Report (final).PDF"); // "My_Report_final-3f9a1c2e.pdf"
 */
export function storedUploadName(originalName: string, suffix = randomBytes(4).toString("hex")): string {
  const normalized = originalName.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  const extensionMatch = /\.([A-Za-z0-9]{1,10})$/.exec(normalized);
  const extension = extensionMatch ? `.${extensionMatch[1]!.toLowerCase()}` : "";
  const stem = (extensionMatch ? normalized.slice(0, extensionMatch.index) : normalized)
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/_+/g, "_")
    .replace(/^[._-]+|[._-]+$/g, "")
    .slice(0, 60);
  return `${stem || "file"}-${suffix}${extension}`;
}

/** Make the upload folder if needed; return its real absolute path (symlinks resolved). */
export async function prepareUploadFolder(folder: string): Promise<string> {
  await mkdir(resolve(folder), { recursive: true });
  return realpath(resolve(folder));
}

/**
 * Stream `body` into a new file in `folder`, refusing more than `maxBytes`. The file is created
 * with O_EXCL (never follows or overwrites anything already there) and removed if anything fails.
 */
export async function saveUpload(
  body: Readable,
  folder: string,
  originalName: string,
  maxBytes: number,
  storedName = storedUploadName(checkUploadName(originalName)),
): Promise<UploadedFile> {
  const path = join(folder, storedName);
  // Belt and braces: the stored name has no separator, but the invariant is what matters.
  if (dirname(path) !== folder || basename(path) !== storedName) refuse("it would leave the upload folder.");

  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(uploadTooLarge(maxBytes));
      else callback(null, chunk);
    },
  });
  // Opened before anything streams, so that a failure knows the file is ours to remove (and
  // never removes what was already there: "wx" fails on any existing entry, links included).
  const handle = await open(path, "wx", 0o600);
  try {
    await pipeline(body, limit, handle.createWriteStream());
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return { storedName, originalName, path, size };
}

/** The 413 answer for a file over the limit. */
export function uploadTooLarge(maxBytes: number): AgentUIRequestError {
  return new AgentUIRequestError(
    `The file is too large: uploads are limited to ${formatBytes(maxBytes)}.`,
    413,
    "file-too-large",
  );
}

/** `10 MB`, `512 KB`, `800 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} bytes`;
}

/** The text added to the task so that the agent knows where the files are. */
export function describeUploads(files: readonly UploadedFile[]): string {
  if (files.length === 0) return "";
  const lines = files.map(
    (file) => `- ${file.path} (uploaded as "${file.originalName}", ${formatBytes(file.size)})`,
  );
  return `\n\nThe user attached these files; read them from these paths if they help:\n${lines.join("\n")}`;
}
