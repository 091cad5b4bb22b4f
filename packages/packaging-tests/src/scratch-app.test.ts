/**
 * A user's first minutes, for real: the packed tarballs installed with npm into a new app
 * outside the workspace (their third-party dependencies come from the registry), then a
 * ToolCallingAgent and a CodeAgent (whose Python runs in @smol/executor-local's sandbox) driven
 * by a ScriptedModel, from an ES module, from CommonJS and from `node -e`.
 *
 * It runs on the other Node line than the rest of the suite: .ci/run runs the suite on Node 22,
 * the floor, and this app on Node 24, the current LTS (scripts/setup.sh installs both under
 * .tools/). Outside CI, without .tools/node-24, it uses the Node that runs the tests.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packPackages, run } from "./pack.js";
import { publishedPackages, repositoryRoot } from "./published-packages.js";

const node24 = join(
  repositoryRoot,
  ".tools",
  "node-24",
  "node_modules",
  `node-linux-${process.arch}`,
  "bin",
  "node",
);
const node = process.env.SMOL_APP_NODE ?? (existsSync(node24) ? node24 : process.execPath);
if (process.env.CI && node !== node24 && !process.env.SMOL_APP_NODE) {
  throw new Error(`Under CI the packed-app test runs on Node 24: run scripts/setup.sh (no ${node24}).`);
}
const installed = ["@smol/core", "@smol/executor-local", "@smol/testing"];

let app: string;

beforeAll(async () => {
  const tarballs = await packPackages(publishedPackages().filter((pkg) => installed.includes(pkg.name)));
  app = mkdtempSync(join(tmpdir(), "smol-app-"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "smol-app", private: true }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs.values()], {
    cwd: app,
    env: { ...process.env, npm_config_workspace: undefined } as NodeJS.ProcessEnv,
  });
  writeFileSync(join(app, "tools.js"), toolsModule);
}, 300_000);

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

/** The tool both agents call, and the reply that makes a CodeAgent call it. */
const toolsModule = `
exports.scriptAgents = ({ tool }, { ScriptedModel }) => {
  const add = tool(
    { name: "add", description: "Adds two numbers.", outputType: "number",
      inputs: { a: { type: "number", description: "A number." }, b: { type: "number", description: "Another." } } },
    async ({ a, b }) => a + b,
  );
  return {
    tools: [add],
    codeModel: new ScriptedModel(["Thought: add them.\\n<code>\\nfinal_answer(add(a=6, b=36) * 10)\\n</code>"]),
  };
};
`;

/** Runs both agents with the given module loader syntax and prints their answers. */
function agentScript(load: (specifier: string) => string): string {
  return `
const core = ${load("@smol/core")};
const testing = ${load("@smol/core/testing")};
const { scriptAgents } = ${load("./tools.js")};
(async () => {
  const { tools, codeModel } = scriptAgents(core, testing);
  const toolCalling = new core.ToolCallingAgent({
    tools,
    model: new testing.ScriptedModel((messages, _options, index) =>
      index === 0
        ? { toolCalls: [{ name: "add", arguments: { a: 2, b: 40 } }] }
        : { toolCalls: [{ name: "final_answer", arguments: { answer: "sum=" + core.messageText(messages.at(-1)) } }] }),
    verbosityLevel: core.LogLevel.OFF,
  });
  console.log("tool-calling agent:", await toolCalling.run("What is 2 + 40?"));
  const codeAgent = new core.CodeAgent({ tools, model: codeModel, verbosityLevel: core.LogLevel.OFF });
  try {
    console.log("code agent:", await codeAgent.run("What is (6 + 36) * 10?"));
  } finally {
    await codeAgent[Symbol.asyncDispose]();
  }
})().catch((error) => { console.error(error); process.exit(1); });
`;
}

async function runNode(args: string[]): Promise<string> {
  const { stdout } = await run(node, args, { cwd: app, timeout: 120_000 });
  return stdout;
}

function expectBothAnswers(stdout: string): void {
  expect(stdout).toMatch(/tool-calling agent: sum=[\s\S]*\b42\b/);
  expect(stdout).toContain("code agent: 420");
}

describe(`the packed packages installed with npm, on Node ${node === process.execPath ? process.version : "from .tools"}`, () => {
  it("run both agents from an ES module", async () => {
    const script = agentScript((specifier) => `await import(${JSON.stringify(specifier)})`);
    writeFileSync(join(app, "agents.mjs"), script);
    expectBothAnswers(await runNode(["agents.mjs"]));
  }, 120_000);

  it("run both agents from CommonJS", async () => {
    writeFileSync(
      join(app, "agents.cjs"),
      agentScript((specifier) => `require(${JSON.stringify(specifier)})`),
    );
    expectBothAnswers(await runNode(["agents.cjs"]));
  }, 120_000);

  it("run both agents from node -e, the executor loaded with a dynamic import", async () => {
    const script = `
(async () => {
  const core = await import("@smol/core");
  const testing = await import("@smol/core/testing");
  const { LocalPythonExecutor } = await import("@smol/executor-local");
  const executor = new LocalPythonExecutor();
  const { scriptAgents } = require("./tools.js");
  const { tools, codeModel } = scriptAgents(core, testing);
  const agent = new core.CodeAgent({ tools, model: codeModel, executor, verbosityLevel: core.LogLevel.OFF });
  try {
    console.log("code agent:", await agent.run("What is (6 + 36) * 10?"));
  } finally {
    await agent[Symbol.asyncDispose]();
  }
})().catch((error) => { console.error(error); process.exit(1); });`;
    expect(await runNode(["-e", script])).toContain("code agent: 420");
  }, 120_000);

  it("loads @smol/testing without vitest installed, and its fake OpenAI server answers", async () => {
    const script = `
const { startFakeOpenAIServer } = await import("@smol/testing");
const server = await startFakeOpenAIServer({ replies: ["hello from the fake"] });
const response = await fetch(server.baseURL + "/chat/completions", {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer any" },
  body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
});
const body = await response.json();
console.log("fake says:", body.choices[0].message.content);
await server.close();
let vitest = "absent";
try { await import("vitest"); vitest = "present"; } catch {}
console.log("vitest:", vitest);`;
    writeFileSync(join(app, "fake.mjs"), script);
    const stdout = await runNode(["fake.mjs"]);
    expect(stdout).toContain("fake says: hello from the fake");
    expect(stdout).toContain("vitest: absent");
  }, 120_000);

  it("reports the Node it ran on", async () => {
    const version = (await runNode(["--version"])).trim();
    expect(Number(version.slice(1).split(".")[0])).toBeGreaterThanOrEqual(22);
  });
});
