/**
 * Type-checks the documentation's snippets (one TypeScript program for all of them, against the
 * packages' sources) and runs them (a `tsx` child process each, against a fake server when the
 * directive asks for one).
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startFakeAnthropicServer, startFakeOllamaServer, startFakeOpenAIServer } from "@smol/testing";
import ts from "typescript";
import type { Snippet } from "./extract-snippets.js";

/** Where the snippets are written: one `.ts` module per block, plus a tsconfig for tsx. */
export interface SnippetWorkspace {
  directory: string;
  tsconfigPath: string;
  fileOf(snippet: Snippet): string;
}

/** Environment variables that could reach a real provider; removed from every snippet's run. */
const PROVIDER_VARIABLES = [
  "OPENAI_API_KEY",
  "OPENAI_BASE_URL",
  "ANTHROPIC_API_KEY",
  "ANTHROPIC_AUTH_TOKEN",
  "ANTHROPIC_BASE_URL",
  "HF_TOKEN",
  "OLLAMA_HOST",
  "AZURE_OPENAI_API_KEY",
  "AZURE_OPENAI_ENDPOINT",
  "AZURE_API_KEY",
  "AZURE_API_BASE",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "E2B_API_KEY",
  "BL_API_KEY",
];

/** Longest a snippet may run; a CodeAgent's first run starts a sandbox, which takes seconds. */
const RUN_TIMEOUT_MS = 90_000;

function compilerOptions(root: string): ts.CompilerOptions {
  const base = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(
    {
      ...base.config,
      compilerOptions: {
        ...base.config.compilerOptions,
        noEmit: true,
        declaration: false,
        sourceMap: false,
        baseUrl: root,
        paths: {
          "@smol/core/*": ["packages/core/src/*.ts"],
          "@smol/testing/*": ["packages/testing/src/*.ts"],
          "@smol/*": ["packages/*/src/index.ts"],
        },
      },
    },
    ts.sys,
    root,
  );
  return parsed.options;
}

/** Writes each snippet as a module (`export {}` makes top-level `await` legal) in `directory`. */
export function writeSnippets(snippets: Snippet[], directory: string, root: string): SnippetWorkspace {
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, "package.json"), JSON.stringify({ type: "module" }));
  const tsconfigPath = join(directory, "tsconfig.json");
  writeFileSync(
    tsconfigPath,
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        module: "ESNext",
        moduleResolution: "Bundler",
        baseUrl: root,
        paths: {
          "@smol/core/*": ["packages/core/src/*.ts"],
          "@smol/testing/*": ["packages/testing/src/*.ts"],
          "@smol/*": ["packages/*/src/index.ts"],
        },
      },
    }),
  );
  const fileOf = (snippet: Snippet) =>
    join(directory, `${snippet.file.replace(/[^\w]+/g, "_")}_${snippet.line}.ts`);
  for (const snippet of snippets) writeFileSync(fileOf(snippet), `${snippet.code}\nexport {};\n`);
  return { directory, tsconfigPath, fileOf };
}

/**
 * Type-checks the snippets in one program. Returns the diagnostics of each snippet (errors in
 * the packages themselves are not the documentation's business and are left out).
 */
export function typecheckSnippets(
  snippets: Snippet[],
  workspace: SnippetWorkspace,
  root: string,
): Map<string, string[]> {
  const files = new Map(snippets.map((snippet) => [workspace.fileOf(snippet), snippet.id]));
  const program = ts.createProgram([...files.keys()], compilerOptions(root));
  const bySnippet = new Map<string, string[]>(snippets.map((snippet) => [snippet.id, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const id = diagnostic.file ? files.get(diagnostic.file.fileName) : undefined;
    if (!id || !diagnostic.file) continue;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    const snippetLine = Number(id.split(":").at(-1)) + 1 + line;
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    bySnippet.get(id)!.push(`line ${snippetLine}: TS${diagnostic.code} ${message}`);
  }
  return bySnippet;
}

interface FakeServer {
  environment: Record<string, string>;
  close(): Promise<void>;
}

async function startFake(snippet: Snippet): Promise<FakeServer | undefined> {
  const replies = (snippet.directive.replies ?? []) as never[];
  switch (snippet.directive.fake) {
    case undefined:
      return undefined;
    case "openai": {
      const server = await startFakeOpenAIServer({ replies });
      return {
        environment: { OPENAI_BASE_URL: server.baseURL, OPENAI_API_KEY: "sk-fake" },
        close: () => server.close(),
      };
    }
    case "anthropic": {
      const server = await startFakeAnthropicServer({ replies });
      return {
        environment: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: "sk-ant-test" },
        close: () => server.close(),
      };
    }
    case "ollama": {
      const server = await startFakeOllamaServer({ replies });
      return { environment: { OLLAMA_HOST: server.url }, close: () => server.close() };
    }
  }
}

export interface SnippetRun {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
}

/** Runs one snippet with tsx, against its fake server if it has one. */
export async function runSnippet(
  snippet: Snippet,
  workspace: SnippetWorkspace,
  root: string,
): Promise<SnippetRun> {
  const fake = await startFake(snippet);
  try {
    const environment: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", ...fake?.environment };
    for (const name of PROVIDER_VARIABLES) if (!fake?.environment[name]) delete environment[name];
    const child = spawn(
      join(root, "node_modules", ".bin", "tsx"),
      ["--tsconfig", workspace.tsconfigPath, workspace.fileOf(snippet)],
      { cwd: workspace.directory, env: environment, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, RUN_TIMEOUT_MS);
    const exitCode = await new Promise<number | null>((resolve) => {
      child.on("close", (code) => resolve(code));
      child.on("error", (error) => {
        output += String(error);
        resolve(null);
      });
    });
    clearTimeout(timer);
    return { exitCode, output, timedOut };
  } finally {
    await fake?.close();
  }
}
