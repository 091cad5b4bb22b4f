/** Real agents with scripted models, and gates that let a test hold a run at a chosen point. */
import { type ChatMessage, LogLevel, messageText, type Tool, ToolCallingAgent, tool } from "@smol/core";
import { ScriptedModel, type ScriptedReply, type ScriptFunction } from "@smol/testing";

/** Agents in tests print nothing. */
export const quiet = { verbosityLevel: LogLevel.OFF } as const;

export function callTool(name: string, args: Record<string, unknown> = {}): ScriptedReply {
  return { toolCalls: [{ name, arguments: args }] };
}

export function answer(value: unknown): ScriptedReply {
  return callTool("final_answer", { answer: value });
}

/** A promise the test resolves when it wants the agent to go on. */
export class Gate {
  readonly opened: Promise<void>;
  open!: () => void;
  constructor() {
    this.opened = new Promise((resolve) => {
      this.open = resolve;
    });
  }
}

/** The tasks ("New task" messages) the model was shown, oldest first. */
export function tasksIn(messages: ChatMessage[]): string[] {
  return messages
    .filter((message) => message.role === "user")
    .map((message) => messageText(message))
    .filter((text) => text.includes("New task"));
}

export function weatherTool(calls: string[] = []): Tool {
  return tool(
    {
      name: "get_weather",
      description: "Gives the current weather in a city.",
      inputs: { city: { type: "string", description: "The city." } },
      outputType: "string",
    },
    async ({ city }) => {
      calls.push(city);
      return `Sunny and 24°C in ${city}`;
    },
  );
}

export function toolCallingAgent(
  script: readonly ScriptedReply[] | ScriptFunction,
  options: {
    tools?: Tool[];
    name?: string;
    streamOutputs?: boolean;
    planningInterval?: number;
    maxSteps?: number;
  } = {},
): ToolCallingAgent {
  return new ToolCallingAgent({
    tools: options.tools ?? [],
    model: new ScriptedModel(script, { modelId: "scripted/tiny-model" }),
    name: options.name,
    streamOutputs: options.streamOutputs,
    planningInterval: options.planningInterval,
    maxSteps: options.maxSteps,
    ...quiet,
  });
}
