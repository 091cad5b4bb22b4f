/**
 * Every ```ts block of `docs/**.md` is type-checked against the packages' sources and, unless
 * its directive says otherwise, run (against a local fake server when it needs a model). A
 * snippet that drifts from the API fails here. See `tooling/extract-snippets.ts` for the
 * directives.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  runSnippet,
  type SnippetWorkspace,
  typecheckSnippets,
  writeSnippets,
} from "./tooling/check-snippets.js";
import {
  collectSnippets,
  extractSnippets,
  parseDirective,
  type Snippet,
} from "./tooling/extract-snippets.js";

const docsDirectory = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(docsDirectory, "..");
const snippets = collectSnippets(docsDirectory, root);
const checked = snippets.filter(
  (snippet) => snippet.directive.mode !== "pending" && snippet.directive.mode !== "fragment",
);

/** A snippet that uses a name no package exports: the type-check must reject it. */
const driftedSnippet: Snippet = {
  id: "drift-probe.md:1",
  file: "drift-probe.md",
  line: 1,
  code: 'import { CodeAgent, NoSuchExport } from "@smol/core";\nnew CodeAgent({ tools: [], model: NoSuchExport });',
  directive: { mode: "typecheck-only", reason: "probe" },
};

let workspace: SnippetWorkspace;
let diagnostics: Map<string, string[]>;

beforeAll(() => {
  const directory = mkdtempSync(join(tmpdir(), "smol-doc-snippets-"));
  workspace = writeSnippets([...checked, driftedSnippet], directory, root);
  diagnostics = typecheckSnippets([...checked, driftedSnippet], workspace, root);
}, 180_000);

afterAll(() => {
  if (workspace) rmSync(workspace.directory, { recursive: true, force: true });
});

describe("snippet extraction", () => {
  it("reads the directive before a block and the code inside it", () => {
    const markdown = [
      "Text.",
      "",
      `<!-- snippet: fake=openai replies='["<code>final_answer(1)</code>"]' expect="1" -->`,
      "```ts",
      "console.log(1);",
      "```",
      "```py",
      "print(1)",
      "```",
    ].join("\n");
    const [snippet, ...rest] = extractSnippets(markdown, "page.md");
    expect(rest).toEqual([]);
    expect(snippet).toMatchObject({
      id: "page.md:4",
      code: "console.log(1);",
      directive: { mode: "run", fake: "openai", replies: ["<code>final_answer(1)</code>"], expect: "1" },
    });
  });

  it("rejects unknown keys, a typecheck-only without a reason and a skipped TypeScript block", () => {
    expect(() => parseDirective("fake=gemini", "x")).toThrow(/fake must be one of/);
    expect(() => parseDirective("typecheck-only", "x")).toThrow(/needs a reason/);
    expect(() => parseDirective("run-twice", "x")).toThrow(/unknown snippet directive/);
    expect(() =>
      extractSnippets('<!-- snippet: skip reason="x" -->\n```ts\nlet a = 1;\n```', "p.md"),
    ).toThrow(/cannot be skipped/);
  });

  it("finds the documentation's snippets", () => {
    expect(snippets.length).toBeGreaterThan(20);
  });

  it("fails a snippet that drifts from the API", () => {
    expect(diagnostics.get(driftedSnippet.id)!.join("\n")).toMatch(/NoSuchExport/);
  });
});

/** At most two snippets run at once: the machine has two cores. */
let running = 0;
const waiting: (() => void)[] = [];
async function withSlot<T>(work: () => Promise<T>): Promise<T> {
  while (running >= 2) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
  running += 1;
  try {
    return await work();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

describe.each(snippets.map((snippet) => [snippet.id, snippet] as const))("%s", (_id, snippet) => {
  if (snippet.directive.mode === "pending") {
    it.skip(`waits for ${snippet.directive.pending}`, () => {});
    return;
  }
  if (snippet.directive.mode === "fragment") {
    it.skip(`is a fragment: ${snippet.directive.reason}`, () => {});
    return;
  }

  it("type-checks", () => {
    expect(diagnostics.get(snippet.id)).toEqual([]);
  });

  if (snippet.directive.mode !== "run") return;
  it.concurrent("runs", async () => {
    const run = await withSlot(() => runSnippet(snippet, workspace, root));
    expect(run.timedOut, run.output).toBe(false);
    expect(run.exitCode, run.output).toBe(0);
    if (snippet.directive.expect) expect(run.output).toContain(snippet.directive.expect);
  }, 120_000);
});
