/**
 * How a user's code calls AgentUI. `exact-optional-types.test.ts` compiles this file with
 * `exactOptionalPropertyTypes` on; it is type-checked, never run.
 */
import { CodeAgent, ToolCallingAgent } from "@smol/core";
import { ScriptedModel } from "@smol/testing";
import { AgentUI, type AgentUIOptions, type ChatAgent } from "@smol/ui";

const model = new ScriptedModel([]);
const codeAgent = new CodeAgent({ tools: [], model });
const toolCallingAgent = new ToolCallingAgent({ tools: [], model, name: "helper" });

export const single = new AgentUI(codeAgent);
export const clone = new AgentUI(toolCallingAgent, {
  agentFactory: () => new CodeAgent({ tools: [], model }),
});

// Options a caller may not have: `undefined` means the default.
const port: number | undefined = process.env.PORT ? Number(process.env.PORT) : undefined;
const options: AgentUIOptions = { port, fileUploadFolder: process.env.UPLOADS, title: undefined };
export const withOptions = new AgentUI(codeAgent, options);
export const launching = () => withOptions.launch({ open: undefined, quiet: true });

export const chatAgents: ChatAgent[] = [codeAgent, toolCallingAgent];
