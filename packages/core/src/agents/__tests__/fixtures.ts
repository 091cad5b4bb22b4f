/** Tools and shorthands shared by the agent tests. */
import { LogLevel, Tool, tool } from "@smol/core";
import type { ScriptedReply } from "@smol/testing";

/** Agents in tests print nothing unless a test says otherwise. */
export const quiet = { verbosityLevel: LogLevel.OFF } as const;

/** A reply calling one tool natively. */
export function callTool(
  name: string,
  args: Record<string, unknown> | string = {},
  id?: string,
): ScriptedReply {
  return { toolCalls: [{ name, arguments: args, ...(id ? { id } : {}) }] };
}

/** A reply calling final_answer natively. */
export function answer(value: unknown): ScriptedReply {
  return callTool("final_answer", { answer: value });
}

/** The seed's custom tool, written with tool(). */
export function makeModelDownloadTool(calls: string[] = []) {
  return tool(
    {
      name: "model_download_tool",
      description:
        "This is a tool that returns the most downloaded model of a given task on the Hugging Face Hub. It returns the name of the checkpoint.",
      inputs: { task: { type: "string", description: "The task for which to get the download count." } },
      outputType: "string",
    },
    async ({ task }) => {
      calls.push(task);
      return task === "text-to-video" ? "ByteDance/AnimateDiff-Lightning" : `top-model-for-${task}`;
    },
  );
}

/** The seed's custom tool, written as a Tool subclass. */
export class ModelDownloadTool extends Tool {
  name = "model_download_tool";
  description =
    "This is a tool that returns the most downloaded model of a given task on the Hugging Face Hub. It returns the name of the checkpoint.";
  inputs = { task: { type: "string", description: "The task for which to get the download count." } };
  outputType = "string";
  readonly seenTasks: string[] = [];

  async forward({ task }: { task: string }): Promise<string> {
    this.seenTasks.push(task);
    return task === "text-to-video" ? "ByteDance/AnimateDiff-Lightning" : `top-model-for-${task}`;
  }
}

/** A weather tool that counts its calls. */
export function makeWeatherTool(calls: string[] = []) {
  return tool(
    {
      name: "get_weather",
      description: "Gives the current weather in a city.",
      inputs: { city: { type: "string", description: "The city." } },
      outputType: "string",
    },
    async ({ city }) => {
      calls.push(city);
      return `Sunny, 21 °C in ${city}`;
    },
  );
}

/** A promise with its resolve function, to hold a model or a tool until the test lets it go. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}
