import {
  type ActionStep,
  AgentToolRejectedError,
  ApprovalNotFoundError,
  type ApprovalRequest,
  CodeAgent,
  type RunEvent,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { python3Executor } from "../executors/__tests__/python3-executor.js";
import { answer, callTool, quiet } from "./__tests__/fixtures.js";

/** A transfer tool that needs approval above 100, and records the transfers it made. */
function makeTransferTool(done: number[] = []) {
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

function observationsOf(agent: ToolCallingAgent): string[] {
  return agent.memory.steps
    .filter((step): step is ActionStep => step.type === "action")
    .map((step) => step.observations ?? "");
}

describe("approvals: ToolCallingAgent", () => {
  it("runs a call onApproval approves, and does not ask for one needsApproval lets through", async () => {
    const done: number[] = [];
    const asked: ApprovalRequest[] = [];
    const model = new ScriptedModel([
      callTool("transfer", { amount: 50 }),
      callTool("transfer", { amount: 500 }, "call-big"),
      answer("ok"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeTransferTool(done)], model, ...quiet });

    await agent.run("pay", {
      onApproval: (request) => {
        asked.push(request);
        return true;
      },
    });

    expect(done).toEqual([50, 500]);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({
      toolName: "transfer",
      arguments: { amount: 500 },
      toolCallId: "call-big",
    });
  });

  it("onApproval may answer with a reason: a rejection's reason reaches the model, an approval runs", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([
      callTool("transfer", { amount: 200 }),
      callTool("transfer", { amount: 900 }),
      answer("half paid"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeTransferTool(done)], model, ...quiet });

    await agent.run("pay", {
      onApproval: ({ arguments: args }) =>
        Number(args.amount) < 500 ? { approved: true } : { approved: false, reason: "over the weekly limit" },
    });

    expect(done).toEqual([200]);
    expect(observationsOf(agent)[1]).toContain("over the weekly limit");
  });

  it("a rejected call does not run and the model reads why", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([callTool("transfer", { amount: 500 }), answer("gave up")]);
    const agent = new ToolCallingAgent({ tools: [makeTransferTool(done)], model, ...quiet });

    await expect(agent.run("pay", { onApproval: () => false })).resolves.toBe("gave up");

    expect(done).toEqual([]);
    expect(observationsOf(agent)[0]).toContain("rejected");
  });

  it("a streamed run waits for session.approve / session.reject, with the reason given to the model", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([
      callTool("transfer", { amount: 200 }),
      callTool("transfer", { amount: 300 }),
      answer("done"),
    ]);
    const agent = new ToolCallingAgent({ tools: [makeTransferTool(done)], model, ...quiet });
    const session = agent.session();
    const types: string[] = [];
    let requests = 0;

    for await (const event of session.run("pay twice", { stream: true }) as AsyncIterable<RunEvent>) {
      types.push(event.type);
      if (event.type !== "approval-request") continue;
      requests += 1;
      expect(done).toEqual(requests === 1 ? [] : [200]);
      if (requests === 1) session.approve(event.approvalId);
      else session.reject(event.approvalId, "too much this week");
      // Decided once: a second decision names nothing that waits.
      expect(() => session.approve(event.approvalId)).toThrow(ApprovalNotFoundError);
    }

    expect(requests).toBe(2);
    expect(done).toEqual([200]);
    expect(types.indexOf("approval-request")).toBeLessThan(types.indexOf("tool-output"));
    const rejected = session.memory.steps.filter((step): step is ActionStep => step.type === "action")[1];
    expect(rejected?.observations).toContain("too much this week");
    await session.close();
  });

  it("a run nobody can be asked in rejects the call at once instead of hanging", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([callTool("transfer", { amount: 500 }), answer("no approver")]);
    const agent = new ToolCallingAgent({ tools: [makeTransferTool(done)], model, ...quiet });

    await expect(agent.run("pay")).resolves.toBe("no approver");

    expect(done).toEqual([]);
    expect(observationsOf(agent)[0]).toContain("approval");
  });

  it("approving an unknown id is a typed error", () => {
    const agent = new ToolCallingAgent({
      tools: [makeTransferTool()],
      model: new ScriptedModel([]),
      ...quiet,
    });
    const session = agent.session();
    expect(() => session.approve("nope")).toThrow(ApprovalNotFoundError);
    expect(ApprovalNotFoundError.isInstance(new ApprovalNotFoundError("x", "nope"))).toBe(true);
    expect(typeof AgentToolRejectedError).toBe("function");
  });
});

describe("approvals: a CodeAgent's code waiting for a decision", () => {
  it("does not spend the executor's time limit while a human decides", async () => {
    const done: number[] = [];
    const model = new ScriptedModel([
      "<code>\nprint(transfer(amount=300))\n</code>",
      '<code>\nfinal_answer("paid")\n</code>',
    ]);
    const agent = new CodeAgent({
      tools: [makeTransferTool(done)],
      model,
      executor: python3Executor({ timeoutSeconds: 1 }),
      ...quiet,
    });

    // The person takes twice the code's whole time limit to say yes.
    const result = await agent.run("pay", {
      onApproval: () => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 2_000)),
    });

    expect(result).toBe("paid");
    expect(done).toEqual([300]);
    const firstStep = agent.memory.steps.find((step): step is ActionStep => step.type === "action");
    expect(firstStep?.error).toBeUndefined();
    expect(firstStep?.observations).toContain("transferred 300");
  });
});
