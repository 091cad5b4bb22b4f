/**
 * The interactive mode, in a pseudo-terminal: the test answers the prompts by typing, and checks
 * that the run really uses the answers.
 */
import { startFakeOpenAIServer } from "@smol/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanEnvironment, ensureBuilt, smolagentBin } from "./__tests__/built-cli.js";
import { Keys, startInPseudoTerminal } from "./__tests__/pseudo-terminal.js";

beforeAll(() => ensureBuilt(), 900_000);

describe("smolagent with no prompt", () => {
  it("asks for a tool_calling agent, its model, tools and task, then runs with those choices", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        { toolCalls: [{ name: "python_interpreter", arguments: { code: "print(6 * 7)" } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "Forty-two." } }] },
      ],
      apiKey: "sk-typed",
    });
    const terminal = startInPseudoTerminal([process.execPath, smolagentBin], cleanEnvironment());

    await terminal.waitFor("What kind of agent?");
    terminal.type(Keys.down + Keys.enter);
    await terminal.waitFor("Which model type?");
    terminal.type(`OpenAIModel${Keys.enter}`);
    await terminal.waitFor("Model id for OpenAIModel");
    terminal.type(`typed-model${Keys.enter}`);
    await terminal.waitFor("API base URL");
    terminal.type(`${server.baseURL}${Keys.enter}`);
    await terminal.waitFor("API key (OPENAI_API_KEY is not set");
    terminal.type(`sk-typed${Keys.enter}`);
    await terminal.waitFor("Which tools?");
    // web_search, visit_webpage, wikipedia_search, python_interpreter: select the fourth.
    terminal.type(Keys.down + Keys.down + Keys.down + Keys.space + Keys.enter);
    await terminal.waitFor("An MCP server too?");
    terminal.type(Keys.enter);
    await terminal.waitFor("What should the agent do?");
    terminal.type(`What is 6 times 7?${Keys.enter}`);

    expect(await terminal.exit, terminal.screen).toBe(0);
    const screen = terminal.screen;
    expect(screen).toContain(
      `To run this again: smolagent 'What is 6 times 7?' --action-type tool_calling --model-type OpenAIModel --model-id typed-model --api-base ${server.baseURL} --tools python_interpreter`,
    );
    // The typed key never shows on the screen.
    expect(screen).not.toContain("sk-typed");
    expect(screen).toContain("Final answer: Forty-two.");
    // The answers were really used: the action type (native tool calls), model, URL, key and tools.
    const first = server.chatRequests[0]!;
    expect(first.model).toBe("typed-model");
    expect(first.tool_choice).toBe("required");
    expect(first.tools.map((entry: { function: { name: string } }) => entry.function.name)).toEqual([
      "python_interpreter",
      "final_answer",
    ]);
    expect(JSON.stringify(server.chatRequests[1]!.messages)).toContain("42");
  });

  it("asks a code agent for its imports and executor, validating the answers", async () => {
    await using server = await startFakeOpenAIServer({
      replies: ["<code>\nimport csv\nfinal_answer(csv.__name__)\n</code>"],
    });
    const terminal = startInPseudoTerminal(
      [process.execPath, smolagentBin, "--api-base", server.baseURL],
      cleanEnvironment({ OPENAI_API_KEY: "sk-env" }),
    );
    await terminal.waitFor("What kind of agent?");
    terminal.type(Keys.enter);
    await terminal.waitFor("Which model type?");
    // --api-base was given: the automatic choice is an OpenAI-compatible server.
    await terminal.waitFor("Automatic: OpenAIModel gpt-4o");
    terminal.type(Keys.enter);
    await terminal.waitFor("Model id for OpenAIModel");
    terminal.type(Keys.enter);
    await terminal.waitFor("API base URL");
    terminal.type(Keys.enter);
    await terminal.waitFor("Which tools?");
    terminal.type(Keys.enter);
    await terminal.waitFor("An MCP server too?");
    terminal.type(Keys.enter);
    await terminal.waitFor("Extra Python imports to allow?");
    terminal.type(`csv; rm${Keys.enter}`);
    await terminal.waitFor("is not a module name");
    // Erase the bad answer and give a good one.
    terminal.type(`${"\u007f".repeat(8)}csv${Keys.enter}`);
    await terminal.waitFor("Where should the code run?");
    // local, python, …: the host's python3, fast to start.
    terminal.type(Keys.down + Keys.enter);
    await terminal.waitFor("What should the agent do?");
    terminal.type(Keys.enter);
    await terminal.waitFor("Write a task for the agent.");
    terminal.type(`Name the csv module.${Keys.enter}`);

    expect(await terminal.exit, terminal.screen).toBe(0);
    expect(terminal.screen).toContain("--action-type code --model-id gpt-4o --api-base");
    expect(terminal.screen).toContain("--imports csv --executor python");
    expect(terminal.screen).toContain("Final answer: csv");
    expect(String(server.chatRequests[0]!.messages[0].content)).toMatch(/csv/);
  });

  it("exits with 130 on Ctrl-C at a prompt", async () => {
    const terminal = startInPseudoTerminal([process.execPath, smolagentBin], cleanEnvironment());
    await terminal.waitFor("What kind of agent?");
    terminal.type(Keys.ctrlC);
    expect(await terminal.exit).toBe(130);
    expect(terminal.screen).toContain("smolagent: cancelled.");
  });
});
