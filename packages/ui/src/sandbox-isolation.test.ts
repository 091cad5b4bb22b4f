/**
 * No two conversations share a sandbox (issue #13): real CodeAgents, each with its own
 * LocalPythonExecutor (Pyodide in a Deno child process), driven through the server's HTTP API
 * the way the page drives it. One conversation leaves a secret variable and a patched module
 * behind; the next conversation on the same agent must see neither, and the old sandbox
 * process must be gone.
 */
import { readdirSync, readFileSync } from "node:fs";
import { CodeAgent, messageText } from "@smol/core";
import { LocalPythonExecutor } from "@smol/executor-local";
import { ScriptedModel } from "@smol/testing";
import { afterEach, describe, expect, it } from "vitest";
import { quiet } from "./__tests__/agents.js";
import { openSession, parseEventStream, rawRequest } from "./__tests__/http.js";
import { AgentUI, type LaunchedAgentUI } from "./index.js";

const json = { "content-type": "application/json" };

/** What each task makes the scripted model write. */
const codeFor: Record<string, string> = {
  // Leaves a variable and a patched module: `math` stays in sys.modules across runs.
  remember: 'secret = "tab-one-secret"\nimport math\nmath.pi = 3\nfinal_answer("remembered")',
  recall:
    "try:\n    found = secret\nexcept NameError:\n    found = 'no secret'\n" +
    "import math\nfinal_answer(f'{found}, pi={math.pi:.5f}')",
};

function codeModel(): ScriptedModel {
  return new ScriptedModel((messages) => {
    const task = messages
      .map((message) => messageText(message))
      .findLast((text) => text.includes("New task"));
    const named = /remember (\w+)/.exec(task ?? "");
    if (named)
      return `Thought: doing it.\n<code>\n${codeFor.remember!.replace("tab-one", named[1]!)}\n</code>`;
    const name = Object.keys(codeFor).find((key) => task?.includes(key));
    if (!name) throw new Error(`no script for the task in: ${task}`);
    return `Thought: doing it.\n<code>\n${codeFor[name]}\n</code>`;
  });
}

function codeAgent(executor: LocalPythonExecutor): CodeAgent {
  return new CodeAgent({ tools: [], model: codeModel(), executor, ...quiet });
}

/** The Deno sandbox processes this test process started and that are still alive. */
function sandboxProcesses(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so split after ")".
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) !== process.pid || state === "Z") continue;
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes("deno")) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.sort((a, b) => a - b);
}

async function run(url: string, sessionId: string, task: string): Promise<string | undefined> {
  const response = await fetch(new URL(`/api/sessions/${sessionId}/runs`, url), {
    method: "POST",
    headers: json,
    body: JSON.stringify({ task }),
  });
  expect(response.status).toBe(200);
  const events = parseEventStream(await response.text());
  expect(events.at(-1), JSON.stringify(events)).toMatchObject({ kind: "run-end", status: "done" });
  return events.find((event) => event.kind === "final-answer")?.text as string | undefined;
}

async function newConversation(url: string, sessionId: string): Promise<number> {
  const response = await rawRequest(url, {
    path: `/api/sessions/${sessionId}/reset`,
    headers: json,
    body: "{}",
  });
  return response.status;
}

const fresh = "no secret, pi=3.14159";
const leaked = "tab-one-secret, pi=3.00000";

// Several sandboxes start in each test (~0.5 s each, much more on a loaded machine).
describe.skipIf(process.platform !== "linux")(
  "AgentUI: no two conversations share a sandbox",
  { timeout: 120_000 },
  () => {
    let ui: LaunchedAgentUI | undefined;
    const executors: LocalPythonExecutor[] = [];
    const newExecutor = () => {
      const executor = new LocalPythonExecutor();
      executors.push(executor);
      return executor;
    };
    afterEach(async () => {
      await ui?.close();
      ui = undefined;
      await Promise.all(executors.splice(0).map((executor) => executor.cleanup()));
    });

    it("single mode: New conversation gets a fresh sandbox, the old one's process ends", async () => {
      const executor = newExecutor();
      const agent = codeAgent(executor);
      ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
      const tab = await openSession(ui.url);
      const before = sandboxProcesses();

      expect(await run(ui.url, tab, "remember")).toBe("remembered");
      const firstSandbox = sandboxProcesses().filter((pid) => !before.includes(pid));
      expect(firstSandbox).toHaveLength(1);
      // Within one conversation the variables do carry over: what the next check relies on.
      expect(await run(ui.url, tab, "recall")).toBe(leaked);

      expect(await newConversation(ui.url, tab)).toBe(200);
      expect(sandboxProcesses()).not.toContain(firstSandbox[0]);
      expect(await run(ui.url, tab, "recall")).toBe(fresh);
      // The executor given to the agent is kept: it started a new runtime, it was not replaced.
      expect(agent.pythonExecutor).toBe(executor);
      expect(sandboxProcesses().filter((pid) => !before.includes(pid))).toHaveLength(1);
    });

    it("session mode (the default): two tabs at once on one CodeAgent each have their own Python", async () => {
      // No executor instance: each session builds its own LocalPythonExecutor at its first run.
      const agent = new CodeAgent({ tools: [], model: codeModel(), ...quiet });
      ui = await new AgentUI(agent, { port: 0 }).launch({ quiet: true });
      const before = sandboxProcesses();
      const started = () => sandboxProcesses().filter((pid) => !before.includes(pid));
      const [tabOne, tabTwo] = await Promise.all([openSession(ui.url), openSession(ui.url)]);

      // Both runs at once: each leaves its own secret in its own sandbox.
      expect(
        await Promise.all([run(ui.url, tabOne, "remember one"), run(ui.url, tabTwo, "remember two")]),
      ).toEqual(["remembered", "remembered"]);
      expect(started()).toHaveLength(2);
      expect(await Promise.all([run(ui.url, tabOne, "recall"), run(ui.url, tabTwo, "recall")])).toEqual([
        "one-secret, pi=3.00000",
        "two-secret, pi=3.00000",
      ]);
      // The agent's own session ran nothing.
      expect(agent.memory.steps).toHaveLength(0);

      // New conversation closes the tab's session: its sandbox ends, the other tab's stays.
      const tabOneSandboxes = started();
      expect(await newConversation(ui.url, tabOne)).toBe(200);
      expect(started()).toHaveLength(1);
      expect(await run(ui.url, tabOne, "recall")).toBe(fresh);
      expect(await run(ui.url, tabTwo, "recall")).toBe("two-secret, pi=3.00000");
      expect(started().filter((pid) => !tabOneSandboxes.includes(pid))).toHaveLength(1);

      // Closing the page closes every tab's session, sandboxes included.
      await ui.close();
      ui = undefined;
      expect(started()).toEqual([]);
    });

    it("clone mode: a tab dropped past maxSessions passes on no sandbox, and every dropped sandbox ends", async () => {
      const given = codeAgent(newExecutor());
      ui = await new AgentUI(given, {
        port: 0,
        maxSessions: 2,
        agentFactory: () => codeAgent(newExecutor()),
      }).launch({ quiet: true });
      const url = ui.url;
      const before = sandboxProcesses();
      const started = () => sandboxProcesses().filter((pid) => !before.includes(pid));
      /** Runs a task and returns the one sandbox process that started for it. */
      const runInNewSandbox = async (tab: string, task: string, expected: string) => {
        const alive = started();
        expect(await run(url, tab, task)).toBe(expected);
        const pids = started().filter((pid) => !alive.includes(pid));
        expect(pids).toHaveLength(1);
        return pids[0]!;
      };

      const tabOne = await openSession(url); // the given agent
      const tabOneSandbox = await runInNewSandbox(tabOne, "remember", "remembered");
      const tabTwo = await openSession(url); // a factory agent
      const tabTwoSandbox = await runInNewSandbox(tabTwo, "remember", "remembered");

      // Tab one is the least recently used: it goes, and its agent serves tab three.
      const tabThree = await openSession(url);
      expect(await newConversation(url, tabOne)).toBe(404);
      expect(sandboxProcesses()).not.toContain(tabOneSandbox);
      const tabThreeSandbox = await runInNewSandbox(tabThree, "recall", fresh);

      // New conversation in a factory agent's tab: a fresh sandbox there too.
      expect(await newConversation(url, tabTwo)).toBe(200);
      expect(sandboxProcesses()).not.toContain(tabTwoSandbox);
      const tabTwoNewSandbox = await runInNewSandbox(tabTwo, "recall", fresh);

      // Tab three is now the least recently used: a fourth tab drops it, and its sandbox ends.
      await openSession(url);
      expect(sandboxProcesses()).not.toContain(tabThreeSandbox);
      expect(started()).toEqual([tabTwoNewSandbox]);

      // Closing the page ends the factory agents' sandboxes; the given agent's is the caller's.
      await ui.close();
      ui = undefined;
      expect(started()).toEqual([]);
    });
  },
);
