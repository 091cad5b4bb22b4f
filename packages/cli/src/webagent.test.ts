/**
 * `webagent` end to end: the built command drives headless Chromium on pages served on
 * 127.0.0.1, with a scripted model (the fake OpenAI server) whose code calls the browser tools.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { startFakeOpenAIServer } from "@smol/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnvironment, ensureBuilt, runCli, webagentBin } from "./__tests__/built-cli.js";

const chromiumPath = process.env.SMOL_CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `\n!!! webagent browser tests SKIPPED: no Chromium at ${chromiumPath} (apt-get install -y chromium).\n`,
  );
}

const pages: Record<string, string> = {
  "/": `<!doctype html><html><head><title>Home</title></head><body>
    <h1>Welcome to the mug shop</h1>
    <div role="dialog" style="position:fixed;top:0;left:0;right:0;padding:2em;background:#fee">
      We use cookies. <button>Accept</button>
    </div>
    <p><a href="/shop">Go to the shop</a></p>
  </body></html>`,
  "/shop": `<!doctype html><html><head><title>Shop</title></head><body>
    <h1>Our mugs</h1>
    ${Array.from({ length: 40 }, (_, index) => `<p>Plain mug number ${index + 1}, 9 euros.</p>`).join("\n")}
    <p>The blue mug costs 12 euros.</p>
  </body></html>`,
};

let site: Server;
let siteUrl: string;

beforeAll(async () => {
  ensureBuilt();
  site = createServer((request, response) => {
    const page = pages[new URL(request.url ?? "/", "http://127.0.0.1").pathname];
    response.writeHead(page ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    response.end(page ?? "<h1>Not found</h1>");
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}`;
}, 900_000);

afterAll(async () => {
  await new Promise((resolve) => site?.close(resolve));
});

function imageCount(request: Record<string, any>): number {
  return JSON.stringify(request.messages).match(/data:image\/png;base64,iVBOR/g)?.length ?? 0;
}

const modelFlags = (baseURL: string) => [
  "--model-type",
  "OpenAIModel",
  "--model-id",
  "gpt-4o",
  "--api-base",
  baseURL,
  "--api-key",
  "sk-fake",
];

describe.skipIf(!hasChromium)("webagent in headless Chromium", () => {
  it("browses with its tools, sees a screenshot after each step, and keeps only the last two", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        `Thought: open the site.\n<code>\nprint(go_to("${siteUrl}/"))\n</code>`,
        'Thought: a cookie banner; close it, then go to the shop.\n<code>\nprint(close_popups())\nprint(click("Go to the shop"))\n</code>',
        'Thought: find the blue mug.\n<code>\nprint(search_item_ctrl_f("blue mug"))\nprint(scroll("up", 200))\n</code>',
        'Thought: back to the home page, then answer.\n<code>\nprint(go_back())\nfinal_answer("The blue mug costs 12 euros.")\n</code>',
      ],
    });
    const result = await runCli(
      webagentBin,
      ["How much is the blue mug?", ...modelFlags(server.baseURL), "--output", "json"],
      { env: cleanEnvironment({ SMOL_CHROMIUM_PATH: chromiumPath }) },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "answered",
      output: "The blue mug costs 12 euros.",
      steps: 4,
    });
    const requests = server.chatRequests;
    expect(requests).toHaveLength(4);
    // A screenshot per finished step, at most the last two in memory.
    expect(requests.map(imageCount)).toEqual([0, 1, 2, 2]);
    const second = JSON.stringify(requests[1]!.messages);
    expect(second).toContain(`Now on ${siteUrl}/ (\\"Home\\")`);
    expect(second).toContain(`Current url: ${siteUrl}/`);
    const third = JSON.stringify(requests[2]!.messages);
    expect(third).toContain("Closed 1 pop-up(s).");
    expect(third).toContain(`Clicked \\"Go to the shop\\". Now on ${siteUrl}/shop`);
    expect(third).toContain(`Current url: ${siteUrl}/shop`);
    const fourth = JSON.stringify(requests[3]!.messages);
    expect(fourth).toContain(
      'Found 1 match for \\"blue mug\\". Focused on match 1 of 1: \\"…The blue mug costs 12 euros.…\\"',
    );
    expect(fourth).toMatch(/Scrolled up 200 pixels; the page is now scrolled to \d+ px/);
    // The tools are in the system prompt as Python functions.
    const systemPrompt = String(requests[0]!.messages[0].content);
    for (const name of [
      "go_to",
      "click",
      "type_text",
      "scroll",
      "go_back",
      "close_popups",
      "search_item_ctrl_f",
    ]) {
      expect(systemPrompt).toContain(`def ${name}(`);
    }
  }, 120_000);

  it("types into a field and submits it", async () => {
    pages["/search"] = `<!doctype html><html><head><title>Search</title></head><body>
      <form action="/results"><label>Query <input name="q"></label></form></body></html>`;
    pages["/results"] =
      "<!doctype html><html><head><title>Results</title></head><body>One result.</body></html>";
    await using server = await startFakeOpenAIServer({
      replies: [
        `<code>\nprint(go_to("${siteUrl}/search"))\nprint(type_text("blue mug", into="Query", press_enter=True))\n</code>`,
        '<code>\nfinal_answer("done")\n</code>',
      ],
    });
    const result = await runCli(
      webagentBin,
      ["Search for the blue mug.", ...modelFlags(server.baseURL), "--executor", "python"],
      {
        env: cleanEnvironment({ SMOL_CHROMIUM_PATH: chromiumPath }),
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain(
      `Typed \\"blue mug\\" into \\"Query\\" and pressed Enter. Now on ${siteUrl}/results?q=blue+mug`,
    );
  }, 120_000);
});

describe("webagent without what it needs", () => {
  it("says how to install a browser when there is none", async () => {
    const result = await runCli(webagentBin, [
      "Hi",
      "--browser-path",
      "/nonexistent/chromium",
      "--model-type",
      "OpenAIModel",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain("webagent: No browser at /nonexistent/chromium");
    expect(result.stderr).toContain("apt-get install -y chromium");
  });

  it("needs a task: as the prompt, or piped on stdin", async () => {
    const result = await runCli(webagentBin, []);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("webagent needs a task");
    // A piped task is taken: the command goes on, to the browser it then lacks.
    const piped = await runCli(webagentBin, ["--browser-path", "/nonexistent/chromium"], {
      input: "Find the opening hours.\n",
    });
    expect(piped.code).toBe(1);
    expect(piped.stderr).toContain("webagent: No browser at /nonexistent/chromium");
  });
});
