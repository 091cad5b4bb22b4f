import { tool } from "@smol/core";
import { it } from "vitest";
import { AgentUI } from "./index.js";
import { answer, callTool, toolCallingAgent, weatherTool } from "./test-support/agents.js";
import { launchChromium, sendMessage } from "./test-support/browser.js";

it("dark", async () => {
  const browser = await launchChromium();
  const broken = tool(
    {
      name: "get_forecast",
      description: "x",
      inputs: { city: { type: "string", description: "c" } },
      outputType: "string",
    },
    async () => {
      throw new Error("the forecast service is down");
    },
  );
  const agent = toolCallingAgent(
    [
      {
        content: "Let me check the weather.",
        toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }],
      },
      callTool("get_forecast", { city: "Paris" }),
      answer("It is sunny and 24°C in Paris; no forecast is available."),
    ],
    { tools: [weatherTool(), broken], name: "weather_agent" },
  );
  const ui = await new AgentUI(agent, { port: 0, agentFactory: () => agent }).launch({ quiet: true });
  for (const scheme of ["dark", "light"] as const) {
    const page = await browser.newPage({ colorScheme: scheme, viewport: { width: 900, height: 1100 } });
    await page.goto(ui.url);
    await sendMessage(page, "Weather in Paris?");
    await page.locator(".run-status").waitFor();
    await page.screenshot({ path: `/tmp/smol-ui-${scheme}.png`, fullPage: false });
    await page.close();
  }
  await ui.close();
  await browser.close();
});
