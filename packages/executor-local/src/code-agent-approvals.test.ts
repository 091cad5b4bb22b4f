/**
 * Approvals of the tool calls a CodeAgent's Python code makes: the code blocks on the call
 * until the decision, a rejected call raises in the code with the reason, an approved one runs.
 * Real Python (the host runtime: the approval path is the executor-independent tool bridge).
 */
import { CodeAgent, LogLevel, type RunEvent, tool } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { hostExecutors } from "./__tests__/host-executors.js";

const hostExecutor = hostExecutors();

function makeTransferTool(done: number[]) {
  return tool(
    {
      name: "transfer",
      description: "Transfers an amount of money.",
      inputs: { amount: { type: "number", description: "The amount." } } as const,
      outputType: "string",
      needsApproval: ({ amount }) => amount > 100,
    },
    async ({ amount }) => {
      done.push(amount);
      return `transferred ${amount}`;
    },
  );
}

const code = (body: string) => `<code>\n${body}\n</code>`;

describe("approvals: calls from a CodeAgent's Python code", () => {
  it("onApproval decides: an approved call runs, a rejected one raises in the code with the reason", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([
      code(
        'print(transfer(amount=20))\nprint(transfer(amount=300))\ntry:\n    transfer(amount=900)\nexcept Exception as error:\n    print("refused:", error)',
      ),
      code('final_answer("paid")'),
    ]);
    const agent = new CodeAgent({
      tools: [makeTransferTool(done)],
      model,
      executor: hostExecutor(),
      verbosityLevel: LogLevel.OFF,
    });
    const asked: number[] = [];

    const answer = await agent.run("pay", {
      onApproval: ({ arguments: args }) => {
        asked.push(Number(args.amount));
        return Number(args.amount) < 500;
      },
    });

    expect(answer).toBe("paid");
    expect(asked).toEqual([300, 900]);
    expect(done).toEqual([20, 300]);
    const firstStep = agent.memory.steps.find((step) => step.type === "action");
    expect(firstStep && "observations" in firstStep ? firstStep.observations : "").toContain("refused:");
  });

  it("a streamed run yields approval-request while the code waits, and session.approve resumes it", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([code("result = transfer(amount=250)\nfinal_answer(result)")]);
    const agent = new CodeAgent({
      tools: [makeTransferTool(done)],
      model,
      executor: hostExecutor(),
      verbosityLevel: LogLevel.OFF,
    });
    const session = agent.session({ executor: hostExecutor() });
    let requests = 0;
    let finalOutput: unknown;

    for await (const event of session.run("pay", { stream: true }) as AsyncIterable<RunEvent>) {
      if (event.type === "approval-request") {
        requests += 1;
        expect(event.toolName).toBe("transfer");
        expect(done).toEqual([]);
        session.approve(event.approvalId);
      }
      if (event.type === "final-answer") finalOutput = event.output;
    }

    expect(requests).toBe(1);
    expect(done).toEqual([250]);
    expect(finalOutput).toBe("transferred 250");
    await session.close();
  });
});
