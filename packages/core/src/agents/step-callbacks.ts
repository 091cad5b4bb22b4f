import { AgentConfigurationError } from "../errors.js";
import type { ActionStep, FinalAnswerStep, PlanningStep } from "../memory/steps.js";
import type { AgentContext } from "./agent-context.js";
import type { StepCallback, StepCallbacks } from "./agent-options.js";
import type { AgentEvent } from "./events.js";

type CallbackStep = ActionStep | PlanningStep | FinalAnswerStep;
const callbackKeys = { action: "action", planning: "planning", finalAnswer: "final-answer" } as const;

/**
 * The step callbacks of an agent, grouped by the type of step they follow: a filter over the
 * run's events, which calls them with the step of each `planning-step`, `action-step` and
 * `final-answer` event.
 */
export class StepCallbackRegistry {
  readonly #byType = new Map<CallbackStep["type"], StepCallback<any>[]>();

  constructor(callbacks: StepCallbacks | undefined) {
    if (callbacks === undefined) return;
    if (Array.isArray(callbacks)) {
      for (const callback of callbacks) this.register("action", callback, "stepCallbacks");
      return;
    }
    if (typeof callbacks !== "object" || callbacks === null) {
      throw new AgentConfigurationError(
        "stepCallbacks must be a list of functions (called after each action step) or an object " +
          "{ action, planning, finalAnswer } of functions or lists of functions.",
      );
    }
    for (const [key, value] of Object.entries(callbacks)) {
      if (value === undefined) continue;
      if (!(key in callbackKeys)) {
        throw new AgentConfigurationError(
          `Unknown step type "${key}" in stepCallbacks: use ${Object.keys(callbackKeys).join(", ")}.`,
        );
      }
      const type = callbackKeys[key as keyof typeof callbackKeys];
      for (const callback of Array.isArray(value) ? value : [value]) {
        this.register(type, callback, `stepCallbacks.${key}`);
      }
    }
  }

  register(type: CallbackStep["type"], callback: StepCallback<any>, where = "step callback"): void {
    if (typeof callback !== "function") {
      throw new AgentConfigurationError(
        `${where} must hold functions (step, context) => void; got ${typeof callback}.`,
      );
    }
    const list = this.#byType.get(type) ?? [];
    list.push(callback);
    this.#byType.set(type, list);
  }

  /** For an event that ends a step: calls, in order, the callbacks of its step's type; awaits each. */
  async follow(event: AgentEvent, context: AgentContext): Promise<void> {
    if (event.type !== "planning-step" && event.type !== "action-step" && event.type !== "final-answer")
      return;
    const step: CallbackStep = event.step;
    const callbacks = this.#byType.get(step.type);
    if (!callbacks) return;
    for (const callback of callbacks) await callback(step, context);
  }
}
