import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalPythonExecutor } from "@smol/executor-local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DenoSandboxFactory } from "./deno-sandbox-factory.js";
import { buildSnapshot, fillDenoCache, shipSnapshot, snapshotFileName } from "./snapshot.js";

// The snapshot to ship is built once per machine, in the cache the other tests share.
const sharedCacheDir = join(tmpdir(), "smol-executor-local-test-cache");
const timeout = 120_000;

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("the snapshot shipped in the package", () => {
  const scratch = mkdtempSync(join(tmpdir(), "smol-shipped-snapshot-test-"));
  const factory = new DenoSandboxFactory({
    additionalAuthorizedImports: [],
    memoryLimitMb: 1024,
    snapshot: true,
    cacheDir: sharedCacheDir,
  });
  const name = snapshotFileName(factory.snapshotInputs);
  let shippedSha = "";

  beforeAll(async () => {
    const built = await buildSnapshot(factory.snapshotInputs, factory.snapshotDirectory);
    shippedSha = shipSnapshot(built, join(scratch, "pristine")).sha256;
  }, timeout);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A shipped directory as `build-snapshot --ship` makes it. */
  const ship = (label: string) => {
    const directory = join(scratch, `shipped-${label}`);
    shipSnapshot(join(scratch, "pristine", name), directory);
    return directory;
  };

  it(
    "starts a fresh cache from the shipped snapshot, without a build, and fills its Deno cache afterwards",
    async () => {
      const cacheDir = join(scratch, "fresh-cache");
      const executor = new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: ship("good") });
      try {
        expect((await executor.run("x = 20\nx * 2 + 2")).output).toBe(42);
        const installed = join(cacheDir, "snapshots", name);
        // The very bytes shipped, and no build: a build writes its Deno cache before the snapshot.
        expect(sha256(installed)).toBe(shippedSha);
        expect(existsSync(`${installed}.deno`)).toBe(false);
        // The Deno cache is filled in the background; a later sandbox starts with a copy of it.
        await fillDenoCache(factory.snapshotInputs, installed);
        expect(existsSync(join(`${installed}.deno`, "dep_analysis_cache_v2"))).toBe(true);
        const second = new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: ship("good-again") });
        try {
          expect((await second.run("sum(range(10))")).output).toBe(45);
        } finally {
          await second.cleanup();
        }
      } finally {
        await executor.cleanup();
      }
    },
    timeout,
  );

  it(
    "rebuilds rather than uses a shipped snapshot whose bytes were changed",
    async () => {
      const directory = ship("tampered");
      const path = join(directory, name);
      const bytes = readFileSync(path);
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 0xff;
      rmSync(path, { force: true });
      writeFileSync(path, bytes);
      const warnings: string[] = [];
      const onWarning = (warning: Error) => warnings.push(warning.message);
      process.on("warning", onWarning);
      const cacheDir = join(scratch, "tampered-cache");
      const executor = new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: directory });
      try {
        expect((await executor.run("'ok'")).output).toBe("ok");
        const used = join(cacheDir, "snapshots", name);
        expect(sha256(used)).not.toBe(sha256(path));
        // Built here: the build leaves its Deno cache beside the snapshot at once.
        expect(existsSync(`${used}.deno`)).toBe(true);
        await new Promise((resolve) => setImmediate(resolve));
        expect(warnings.some((message) => message.includes("damaged"))).toBe(true);
      } finally {
        process.off("warning", onWarning);
        await executor.cleanup();
      }
    },
    timeout,
  );

  it(
    "ignores a shipped snapshot made for another runtime and builds its own",
    async () => {
      const directory = ship("other-runtime");
      // As if shipped by another version: its name hashes other inputs than this runtime's.
      const other = name.replace(/-[0-9a-f]{16}\.snapshot$/, "-0123456789abcdef.snapshot");
      renameSync(join(directory, name), join(directory, other));
      const manifest = JSON.parse(readFileSync(join(directory, "manifest.json"), "utf8"));
      writeFileSync(join(directory, "manifest.json"), JSON.stringify({ ...manifest, file: other }));
      const cacheDir = join(scratch, "other-cache");
      const executor = new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: directory });
      try {
        expect((await executor.run("len('abc')")).output).toBe(3);
        const snapshots = join(cacheDir, "snapshots");
        expect(existsSync(join(snapshots, other))).toBe(false);
        expect(existsSync(`${join(snapshots, name)}.deno`)).toBe(true);
      } finally {
        await executor.cleanup();
      }
    },
    timeout,
  );

  it(
    "seeds random afresh in every sandbox started from the snapshot",
    async () => {
      const cacheDir = join(scratch, "random-cache");
      const draws: unknown[] = [];
      for (const label of ["random-1", "random-2"]) {
        const executor = new LocalPythonExecutor({ cacheDir, shippedSnapshotDir: ship(label) });
        try {
          draws.push((await executor.run("import random\nrandom.random()")).output);
        } finally {
          await executor.cleanup();
        }
      }
      expect(draws.every((draw) => typeof draw === "number")).toBe(true);
      expect(draws[0]).not.toBe(draws[1]);
    },
    timeout,
  );
});
