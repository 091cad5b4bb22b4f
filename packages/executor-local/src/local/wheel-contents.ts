import { readFileSync } from "node:fs";

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** The names of the entries of a zip archive (a wheel), read from its central directory. */
export function zipEntryNames(path: string): string[] {
  const archive = readFileSync(path);
  // The end record is in the last 64 KiB + 22 bytes (its comment is at most 65535 bytes).
  const searchStart = Math.max(0, archive.length - 65_557);
  let end = -1;
  for (let offset = archive.length - 22; offset >= searchStart; offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) {
      end = offset;
      break;
    }
  }
  if (end < 0) throw new Error(`${path} is not a zip archive`);
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let index = 0; index < count; index++) {
    if (offset + 46 > archive.length || archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_ENTRY) {
      throw new Error(`${path} has a damaged zip directory`);
    }
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    names.push(archive.toString("utf8", offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

/**
 * The top-level modules a wheel installs: its root directories and root `.py` files, minus
 * its metadata directories (`*.dist-info`, `*.data`).
 */
export function wheelTopLevelModules(path: string): string[] {
  const modules = new Set<string>();
  for (const name of zipEntryNames(path)) {
    const [first, ...rest] = name.split("/");
    if (!first || first.endsWith(".dist-info") || first.endsWith(".data")) continue;
    if (rest.length > 0) modules.add(first);
    else if (first.endsWith(".py")) modules.add(first.slice(0, -3));
    else if (/\.(so|pyd)$/.test(first)) modules.add(first.split(".")[0]!);
  }
  return [...modules];
}
