import { describe, expect, it } from "vitest";
import { FAKE_ANSWER_PREFIX } from "./fake-script.js";
import { main } from "./main.js";

describe("chat UI in --fake mode", () => {
  it("serves the page and answers a message through the agent", async () => {
    await using app = await main(["--fake"], { port: 0 });
    const page = await fetch(app.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("smol chat");

    const origin = new URL(app.url).origin;
    const headers = { "content-type": "application/json", origin };
    const session = await fetch(new URL("/api/sessions", app.url), { method: "POST", headers, body: "{}" });
    expect(session.status).toBe(201);
    const { sessionId } = (await session.json()) as { sessionId: string };
    const run = await fetch(new URL(`/api/sessions/${sessionId}/runs`, app.url), {
      method: "POST",
      headers,
      body: JSON.stringify({ task: "Say something." }),
    });
    expect(run.status).toBe(200);
    // The event stream ends with the run; the answer was computed in the sandbox (mean of 1..10).
    const events = await run.text();
    expect(events).toContain(`${FAKE_ANSWER_PREFIX} The mean of 1 to 10 is 5.5.`);
  }, 90_000);
});
