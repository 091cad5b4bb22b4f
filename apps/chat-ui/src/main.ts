/**
 * `pnpm --filter @smol-examples/chat-ui start`, or `-- --fake` to chat with a local fake model
 * (the code it writes still runs in the real sandbox). Opens nothing: click the printed URL.
 */

import { CodeAgent } from "@smol/core";
import { chooseModel } from "@smol-examples/kit";
import "@smol/tools-toolkit";
import { AgentUI } from "@smol/ui";
import { fakeReply } from "./fake-script.js";

export interface ChatApp extends AsyncDisposable {
  url: string;
  close(): Promise<void>;
}

export interface ChatAppOptions {
  /** Default 7860 (the next free one up to 7879); 0 picks any free port. */
  port?: number;
}

/** Starts the chat page; resolves once it listens. */
export async function main(argv: readonly string[], options: ChatAppOptions = {}): Promise<ChatApp> {
  const fake = argv.includes("--fake");
  const chosen = await chooseModel({ fake, fakeReplies: fakeReply });
  // Web search and page visits for a real model; none for the fake one, which needs no network.
  const agent = new CodeAgent({
    tools: [],
    model: chosen.model,
    addBaseTools: !fake,
    streamOutputs: true,
    name: "smol_assistant",
    description: "A helpful assistant that thinks in Python.",
  });
  const ui = await new AgentUI(agent, {
    port: options.port,
    title: `smol chat: ${chosen.description}`,
  }).launch();
  const close = async () => {
    await ui.close();
    await agent.cleanup();
    await chosen.close();
  };
  return { url: ui.url, close, [Symbol.asyncDispose]: close };
}
