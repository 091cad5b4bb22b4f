import type { FakeReply, RecordedRequest } from "@smol/testing";

/**
 * The fake model of the tests: the reply depends on the task ("session=<id> <kind> …") and on
 * how many steps the conversation already has, so concurrent sessions each get their own script
 * and a replayed conversation gets the same reply.
 */
export function fakeReply(request: RecordedRequest): FakeReply {
  const messages: { role: string; content: unknown }[] = request.body?.messages ?? [];
  const text = JSON.stringify(messages);
  const task = /session=(\S+) (\w+)(?: n=(\d+))?/.exec(text);
  if (!task) return "I do not know this task.";
  const [, session, kind, n] = task;
  // After the task, one message a step: the tool's answer (one call a step here) or the code's
  // observation, also when it is an error (a rejected call).
  const observations = messages
    .filter((message) => message.role !== "assistant" && message.role !== "system")
    .slice(1)
    .map((message) => contentText(message.content))
    .map((content) =>
      content.includes("Observation:")
        ? content.slice(content.indexOf("Observation:") + "Observation:".length).trim()
        : content,
    );
  const step = observations.length;
  const toolResults = observations;
  if (kind === "sum") {
    if (step === 0) return { toolCalls: [{ name: "add", arguments: { a: 1, b: 2 } }] };
    if (step === 1) return { toolCalls: [{ name: "add", arguments: { a: Number(n), b: 1000 } }] };
    return {
      toolCalls: [
        {
          name: "final_answer",
          arguments: { answer: `${session}: ${toolResults.map(lastLine).join(", ")}` },
        },
      ],
    };
  }
  if (kind === "pay") {
    if (step === 0) return { toolCalls: [{ name: "send_payment", arguments: { amount: 5 } }] };
    return {
      toolCalls: [
        {
          name: "final_answer",
          arguments: { answer: `${session}: ${(toolResults.at(-1) ?? "").replace(/\s+/g, " ")}` },
        },
      ],
    };
  }
  if (kind === "code") {
    const code = [
      "import time\ny = add(a=20, b=22)\nt = time.time()\nprint('t1', t)",
      "print('y', y, 't2', t)",
      "final_answer(str(y))",
    ][Math.min(step, 2)];
    return `Thought: step ${step}.\n<code>\n${code}\n</code>`;
  }
  return "Unknown kind.";
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) return content.map((part) => (part as { text?: string }).text ?? "").join("");
  return "";
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.trim() ?? "";
}
