import { AgentConfigurationError } from "../errors.js";
import type { ActionStep, FinalAnswerStep, PlanningStep } from "../memory/steps.js";
import type { AgentContext } from "./agent-context.js";
import type { StepCallback, StepCallbacks } from "./agent-options.js";

type CallbackStep = ActionStep | PlanningStep | FinalAnswerStep;
const callbackKeys = { action: "action", planning: "planning", finalAnswer: "final-answer" } as const;

/** The step callbacks of an agent, grouped by the type of step they follow. */
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

  /** Calls, in order, the callbacks registered for this step's type; awaits each. */
  async fire(step: CallbackStep, context: AgentContext): Promise<void> {
    const callbacks = this.#byType.get(step.type);
    if (!callbacks) return;
    for (const callback of callbacks) await callback(step, context);
  }
}
