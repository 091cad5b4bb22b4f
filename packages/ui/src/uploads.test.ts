import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AgentUIRequestError } from "./errors.js";
import {
  checkUploadName,
  describeUploads,
  formatBytes,
  prepareUploadFolder,
  saveUpload,
  storedUploadName,
} from "./uploads.js";

describe("upload names", () => {
  it.each(["report.pdf", "Grand-mère's recipe.txt", "photo (1).JPG", "données_2024.csv", "a", ".bashrc"])(
    "accepts %j",
    (name) => {
      expect(checkUploadName(name)).toBe(name);
    },
  );

  it.each([
    ["", "empty"],
    ["../etc/passwd", "not a path"],
    ["..", '".."'],
    ["notes..txt", '".."'],
    ["/etc/passwd", "not a path"],
    ["dir\\file.txt", "not a path"],
    ["C:evil.txt", "absolute path"],
    ["evil\u0000.txt", "NUL"],
    ["line\nbreak.txt", "control"],
    ["gnp\u202Etxt.exe", "direction-changing"],
    ["what?.txt", "< > :"],
    ["pipe|name", "< > :"],
    ["   ", "no visible characters"],
    ["x".repeat(256), "longer than 255"],
  ])("refuses %j (%s)", (name, reason) => {
    let caught: unknown;
    try {
      checkUploadName(name);
    } catch (error) {
      caught = error;
    }
    expect(AgentUIRequestError.isInstance(caught)).toBe(true);
    expect((caught as AgentUIRequestError).statusCode).toBe(400);
    expect((caught as Error).message).toContain(reason);
  });

  it("stores under a fresh name of safe characters that keeps the extension", () => {
    expect(storedUploadName("My Report (final).PDF", "0a1b2c3d")).toBe("My_Report_final-0a1b2c3d.pdf");
    expect(storedUploadName("Grand-mère's recipe.txt", "0a1b2c3d")).toBe("Grand-mere_s_recipe-0a1b2c3d.txt");
    expect(storedUploadName("-rf", "0a1b2c3d")).toBe("rf-0a1b2c3d");
    expect(storedUploadName(".bashrc", "0a1b2c3d")).toBe("file-0a1b2c3d.bashrc");
    expect(storedUploadName("日本語.md", "0a1b2c3d")).toBe("file-0a1b2c3d.md");
    expect(storedUploadName("notes.txt")).not.toBe(storedUploadName("notes.txt"));
  });

  it("describes the uploads for the agent with their absolute paths", () => {
    const text = describeUploads([
      { storedName: "a-1.txt", originalName: "a.txt", path: "/tmp/up/a-1.txt", size: 2048 },
    ]);
    expect(text).toBe(
      '\n\nThe user attached these files; read them from these paths if they help:\n- /tmp/up/a-1.txt (uploaded as "a.txt", 2 KB)',
    );
    expect(describeUploads([])).toBe("");
    expect(formatBytes(10 * 1024 * 1024)).toBe("10 MB");
  });
});

describe("saveUpload", () => {
  let root: string;
  let folder: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "smol-ui-save-"));
    folder = await prepareUploadFolder(join(root, "uploads", "nested"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("writes the bytes to a new file in the folder", async () => {
    const file = await saveUpload(
      Readable.from([Buffer.from("hello "), Buffer.from("world")]),
      folder,
      "hi.txt",
      100,
    );
    expect(file).toMatchObject({ originalName: "hi.txt", size: 11 });
    expect(file.path).toBe(join(folder, file.storedName));
    expect(await readFile(file.path, "utf8")).toBe("hello world");
  });

  it("removes the partial file when the upload passes the limit", async () => {
    const chunks = [Buffer.alloc(60), Buffer.alloc(60)];
    await expect(saveUpload(Readable.from(chunks), folder, "big.bin", 100)).rejects.toThrow("too large");
    expect(await readdir(folder)).toEqual([]);
  });

  it("never writes through a symlink planted in the folder", async () => {
    const outside = join(root, "outside.txt");
    await writeFile(outside, "untouched");
    // A link with the very name the file would get: O_EXCL refuses to open it, let alone follow it.
    const name = storedUploadName("x.txt", "deadbeef");
    await symlink(outside, join(folder, name));
    await expect(saveUpload(Readable.from([Buffer.from("new")]), folder, "x.txt", 100, name)).rejects.toThrow(
      /EEXIST/,
    );
    expect(await readFile(outside, "utf8")).toBe("untouched");
    expect(await readdir(folder)).toEqual([name]);
  });

  it("resolves the folder to its real path, so the paths given to the agent are canonical", async () => {
    const link = join(root, "link-to-uploads");
    await symlink(folder, link);
    expect(await prepareUploadFolder(link)).toBe(folder);
  });
});
