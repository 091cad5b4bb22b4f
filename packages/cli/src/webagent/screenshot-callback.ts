import type { ActionStep, MultiStepAgent, StepCallback } from "@smol/core";
import type { Page } from "playwright-core";

/** Screenshots kept in memory: each costs the model about a thousand input tokens per step. */
export const SCREENSHOTS_KEPT = 2;

/**
 * A step callback that shows the model the page after each step: a screenshot goes into the
 * step's observation images, and the current URL into its observation. Only the last
 * `SCREENSHOTS_KEPT` steps keep their screenshot, so the prompt does not grow with each step.
 *
 * @example
 * const agent = new CodeAgent({ tools, model, stepCallbacks: [screenshotStepCallback(page)] });
 */
export function screenshotStepCallback(page: Page): StepCallback<ActionStep> {
  return async (step: ActionStep, agent: MultiStepAgent) => {
    for (const previous of agent.memory.steps) {
      if (previous.type === "action" && previous.stepNumber <= step.stepNumber - SCREENSHOTS_KEPT) {
        previous.observationsImages = undefined;
      }
    }
    if (page.isClosed()) return;
    // Let what the step started (a navigation, a click) settle before the picture.
    await page.waitForLoadState("domcontentloaded").catch(() => {});
    const png = await page.screenshot({ type: "png" }).catch(() => undefined);
    if (png)
      step.observationsImages = [{ type: "image", image: new Uint8Array(png), mediaType: "image/png" }];
    const location = `Current url: ${page.url()}`;
    step.observations = step.observations ? `${step.observations}\n${location}` : location;
  };
}
