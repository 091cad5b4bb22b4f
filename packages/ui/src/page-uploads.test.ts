import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { tool } from "@smol/core";
import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { answer, callTool, tasksIn, toolCallingAgent } from "./__tests__/agents.js";
import { hasChromium, launchChromium, sendMessage } from "./__tests__/browser.js";
import { openSession, uploadRaw } from "./__tests__/http.js";
import { AgentUI, type LaunchedAgentUI } from "./index.js";

/** Reads a text file from disk: how the agent gets at what the user uploaded. */
const readTextFile = tool(
  {
    name: "read_text_file",
    description: "Reads a text file.",
    inputs: { path: { type: "string", description: "Absolute path of the file." } },
    outputType: "string",
  },
  async ({ path }) => readFile(path, "utf8"),
);

/** Step 1 reads the first uploaded file listed in the task; step 2 answers with its text. */
/** `tasksSeen` gets each task the model was given (the tab's session has its own memory). */
function fileReadingAgent(tasksSeen: string[] = []) {
  return toolCallingAgent(
    (messages, _options, callIndex) => {
      if (callIndex === 0) {
        tasksSeen.push(...tasksIn(messages));
        const path = /^- (\/\S+) \(uploaded as/m.exec(tasksIn(messages).at(-1) ?? "")?.[1];
        return path ? callTool("read_text_file", { path }) : answer("I was given no file.");
      }
      const observation = JSON.stringify(messages.at(-1)?.content);
      return answer(
        `The file says: ${/secret recipe: \w+/.exec(observation)?.[0] ?? "nothing I understand"}`,
      );
    },
    { tools: [readTextFile] },
  );
}

describe.skipIf(!hasChromium)(
  "AgentUI file upload (headless Chromium and raw HTTP)",
  { timeout: 60_000 },
  () => {
    let browser: Browser;
    let page: Page;
    let ui: LaunchedAgentUI | undefined;
    let workDirectory: string;
    let uploadFolder: string;

    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage();
    });
    afterAll(async () => {
      await browser?.close();
    });
    beforeEach(async () => {
      workDirectory = await mkdtemp(join(tmpdir(), "smol-ui-upload-"));
      uploadFolder = join(workDirectory, "uploads");
    });
    afterEach(async () => {
      await ui?.close();
      ui = undefined;
      await rm(workDirectory, { recursive: true, force: true });
    });

    it("saves an attached file inside the upload folder and lists it in the task the agent gets", async () => {
      const tasksSeen: string[] = [];
      const agent = fileReadingAgent(tasksSeen);
      ui = await new AgentUI(agent, { port: 0, fileUploadFolder: uploadFolder }).launch({ quiet: true });
      await page.goto(ui.url);
      await page.getByLabel("Attach files").setInputFiles({
        name: "Grand-mère's recipe.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("The secret recipe: butter\n"),
      });
      const attachment = page.locator("#attachments li");
      await expect.poll(() => attachment.textContent()).toBe("Grand-mère's recipe.txt (26 bytes)×");

      await sendMessage(page, "What does my file say?");
      await page.locator(".run-status.done").waitFor();
      expect(await page.locator(".answer-text").textContent()).toBe("The file says: secret recipe: butter");
      expect(await page.locator(".message-user li").textContent()).toBe("Grand-mère's recipe.txt");
      expect(await page.locator("#attachments li").count()).toBe(0);

      const stored = await readdir(uploadFolder);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatch(/^Grand-mere_s_recipe-[0-9a-f]{8}\.txt$/);
      const task = tasksSeen[0] ?? "";
      expect(task).toContain(
        `- ${join(uploadFolder, stored[0]!)} (uploaded as "Grand-mère's recipe.txt", 26 bytes)`,
      );
    });

    it("refuses path traversal from the page and from raw HTTP, and writes nothing outside the folder", async () => {
      ui = await new AgentUI(fileReadingAgent(), { port: 0, fileUploadFolder: uploadFolder }).launch({
        quiet: true,
      });
      await page.goto(ui.url);

      // The page's own upload of a hostile name, as script in the page would send it.
      const fromPage = await page.evaluate(async () => {
        const session = await fetch("/api/sessions", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{}",
        });
        const { sessionId } = await session.json();
        const response = await fetch(
          `/api/sessions/${sessionId}/uploads?name=${encodeURIComponent("../../escaped.txt")}`,
          {
            method: "POST",
            headers: { "content-type": "application/octet-stream" },
            body: "pwned",
          },
        );
        return { status: response.status, body: await response.json() };
      });
      expect(fromPage.status).toBe(400);
      expect(fromPage.body.error).toContain("not a path");

      // A name with ".." and no separator goes through the page's file picker.
      await page
        .getByLabel("Attach files")
        .setInputFiles({ name: "..hidden", mimeType: "text/plain", buffer: Buffer.from("x") });
      await expect
        .poll(() => page.locator("#attachments li.is-error").textContent())
        .toContain('File name refused: the name contains "..".');

      const sessionId = await openSession(ui.url);
      const hostileNames = [
        "..%2F..%2Fescaped.txt",
        "..%5C..%5Cescaped.txt",
        "%2Fetc%2Fescaped.txt",
        "C%3A%5Cescaped.txt",
        "escaped.txt%00.png",
        "..",
        "%E2%80%AEtxt.exe",
        "",
      ];
      for (const name of hostileNames) {
        const response = await uploadRaw(ui.url, sessionId, name, "pwned");
        expect({ name, status: response.status }).toEqual({ name, status: 400 });
        expect(JSON.parse(response.body).code).toBe("bad-file-name");
      }
      // A raw path in the query string (not encoded) is refused the same way.
      const unencoded = await uploadRaw(ui.url, sessionId, "../../escaped.txt", "pwned");
      expect(unencoded.status).toBe(400);

      expect(await readdir(uploadFolder)).toEqual([]);
      expect((await readdir(workDirectory)).sort()).toEqual(["uploads"]);
      expect(await readdir(dirname(workDirectory))).not.toContain("escaped.txt");
    });

    it("refuses files over the size limit, on the page and on the wire", async () => {
      ui = await new AgentUI(fileReadingAgent(), {
        port: 0,
        fileUploadFolder: uploadFolder,
        maxUploadBytes: 1000,
      }).launch({
        quiet: true,
      });
      await page.goto(ui.url);
      expect(await page.locator("#attach-help").textContent()).toBe("up to 1000 bytes each");
      await page
        .getByLabel("Attach files")
        .setInputFiles({ name: "big.bin", mimeType: "application/octet-stream", buffer: Buffer.alloc(1001) });
      await expect
        .poll(() => page.locator("#attachments li.is-error").textContent())
        .toBe("big.bin: too large (the limit is 1000 bytes)");

      const sessionId = await openSession(ui.url);
      const tooLarge = await uploadRaw(ui.url, sessionId, "big.bin", Buffer.alloc(5000));
      expect(tooLarge.status).toBe(413);
      expect(JSON.parse(tooLarge.body).error).toBe(
        "The file is too large: uploads are limited to 1000 bytes.",
      );
      const justRight = await uploadRaw(ui.url, sessionId, "small.bin", Buffer.alloc(1000));
      expect(justRight.status).toBe(201);
      expect((await readdir(uploadFolder)).map((name) => name.replace(/-[0-9a-f]{8}/, ""))).toEqual([
        "small.bin",
      ]);
    });

    it("offers no upload without a fileUploadFolder, and the server refuses one", async () => {
      ui = await new AgentUI(fileReadingAgent(), { port: 0 }).launch({ quiet: true });
      await page.goto(ui.url);
      expect(await page.getByLabel("Attach files").count()).toBe(0);
      const sessionId = await openSession(ui.url);
      const response = await uploadRaw(ui.url, sessionId, "notes.txt", "hello");
      expect(response.status).toBe(404);
      expect(JSON.parse(response.body).error).toContain("fileUploadFolder");
    });
  },
);
