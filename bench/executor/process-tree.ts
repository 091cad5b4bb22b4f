import { readdirSync, readFileSync } from "node:fs";

/** The direct children of this process. */
function children(pid: number): number[] {
  const pids: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const listed = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      if (listed) pids.push(...listed.split(/\s+/).map(Number));
    }
  } catch {
    // Gone meanwhile.
  }
  return pids;
}

/** Every process under this one (the sandboxes, and anything they started). */
export function processTree(root = process.pid): number[] {
  const tree: number[] = [];
  const pending = children(root);
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...children(pid));
  }
  return tree;
}
