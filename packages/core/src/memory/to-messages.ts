import type { ChatMessage, ContentPart } from "../models/messages.js";
import type { ActionStep, MemoryStep, PlanningStep, SystemPromptStep, TaskStep, ToolCall } from "./steps.js";

/** Appended to every error the model reads, so it retries with a change instead of repeating. */
export const RETRY_ADVICE =
  "Try again, and avoid the mistake above. If this has already failed several times, change your approach.";

/** Sent after a plan, so the model moves from planning to acting. */
export const PLAN_FOLLOW_UP = "Go ahead: carry out this plan, one step at a time.";

/**
 * The chat messages a memory step contributes to the model's input.
 *
 * `summaryMode` (used for plan updates) leaves out the system prompt, the model's own outputs
 * and earlier plans, so that the planner judges from facts and observations only.
 *
 * | step | messages |
 * |---|---|
 * | system prompt | system (none in summary mode) |
 * | task | user "New task: …" with the task's images |
 * | action | assistant output (not in summary mode), tool-call "Calling tools: […]", user images, one tool-response per tool call (or one "Observation: …"), tool-response error with retry advice |
 * | planning | assistant plan + user "go ahead" (none in summary mode) |
 */
export function stepToMessages(step: MemoryStep, summaryMode = false): ChatMessage[] {
  switch (step.type) {
    case "system-prompt":
      return systemPromptMessages(step, summaryMode);
    case "task":
      return taskMessages(step);
    case "action":
      return actionMessages(step, summaryMode);
    case "planning":
      return planningMessages(step, summaryMode);
  }
}

function systemPromptMessages(step: SystemPromptStep, summaryMode: boolean): ChatMessage[] {
  return summaryMode ? [] : [{ role: "system", content: step.systemPrompt }];
}

function taskMessages(step: TaskStep): ChatMessage[] {
  const text = `New task:\n${step.task}`;
  if (step.taskImages.length === 0) return [{ role: "user", content: text }];
  return [{ role: "user", content: [{ type: "text", text }, ...step.taskImages] }];
}

function planningMessages(step: PlanningStep, summaryMode: boolean): ChatMessage[] {
  if (summaryMode) return [];
  return [
    { role: "assistant", content: step.plan.trim() },
    { role: "user", content: PLAN_FOLLOW_UP },
  ];
}

function actionMessages(step: ActionStep, summaryMode: boolean): ChatMessage[] {
  const messages: ChatMessage[] = [];
  // A reply made only of native tool calls has no text: an empty assistant message says nothing.
  if (step.modelOutput !== undefined && step.modelOutput.trim() !== "" && !summaryMode) {
    messages.push({ role: "assistant", content: step.modelOutput.trim() });
  }
  if (step.toolCalls !== undefined) {
    messages.push({ role: "tool-call", content: `Calling tools:\n${formatToolCalls(step.toolCalls)}` });
  }
  if (step.observationsImages && step.observationsImages.length > 0) {
    messages.push({ role: "user", content: step.observationsImages as ContentPart[] });
  }
  let errorShown = false;
  if (step.toolResults && step.toolResults.length > 0) {
    for (const result of step.toolResults) {
      if (result.error) {
        errorShown ||= result.error === step.error;
        messages.push({
          role: "tool-response",
          content: `Call id: ${result.id}\nError:\n${result.observation}\n${RETRY_ADVICE}`,
        });
      } else {
        messages.push({
          role: "tool-response",
          content: `Call id: ${result.id}\nObservation:\n${result.observation}`,
        });
      }
    }
  } else if (step.observations !== undefined) {
    messages.push({ role: "tool-response", content: `Observation:\n${step.observations}` });
  }
  if (step.error && !errorShown) {
    const callId = step.toolCalls?.[0] ? `Call id: ${step.toolCalls[0].id}\n` : "";
    messages.push({
      role: "tool-response",
      content: `${callId}Error:\n${step.error.message}\n${RETRY_ADVICE}`,
    });
  }
  return messages;
}

/** Tool calls in the OpenAI shape, as JSON the model can read back. */
export function formatToolCalls(toolCalls: readonly ToolCall[]): string {
  return JSON.stringify(
    toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    })),
    jsonReplacer,
  );
}

/** Keeps JSON of model-facing values readable: bytes become a short marker, bigints strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (typeof value === "bigint") return value.toString();
  return value;
}
