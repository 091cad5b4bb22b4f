import {
  AgentConfigurationError,
  AgentError,
  AgentGenerationError,
  AgentInterruptedError,
} from "../errors.js";
import { AgentLogger, LogLevel, Monitor } from "../logging/index.js";
import { AgentMemory } from "../memory/agent-memory.js";
import type { StepDict } from "../memory/step-dicts.js";
import {
  ActionStep,
  FinalAnswerStep,
  type PlanningStep,
  SystemPromptStep,
  TaskStep,
  Timing,
} from "../memory/steps.js";
import type { ChatMessage } from "../models/messages.js";
import type { GenerateOptions, Model } from "../models/model.js";
import { mergePromptTemplates, type PromptTemplates } from "../prompts/prompt-templates.js";
import { renderTemplate } from "../prompts/render-template.js";
import { INSTRUCTIONS_SECTION, MANAGED_AGENTS_SECTION } from "../prompts/tool-calling-agent.js";
import type { Tool } from "../tools/tool.js";
import type {
  ActionOutput,
  FinalAnswerCheck,
  MultiStepAgentOptions,
  RunOptions,
  RunResult,
  StepContext,
} from "./agent-options.js";
import {
  checkAgentName,
  checkMaxSteps,
  checkUniqueNames,
  collectManagedAgents,
  collectTools,
} from "./agent-setup.js";
import type { BaseToolsOptions } from "./base-tools.js";
import type { AgentEvent } from "./events.js";
import { answerFromMemory, checkFinalAnswer } from "./final-answer.js";
import { type ManagedAgentTool, runAsManagedAgent } from "./managed-agent-tool.js";
import { generateModelOutput, interruptedError, modelClassName } from "./model-output.js";
import { generatePlanningStep } from "./planning.js";
import { buildRunResult } from "./run-result.js";
import { StepCallbackRegistry } from "./step-callbacks.js";
import { stringifyValue } from "./value-text.js";

/**
 * The loop every agent shares: the model reads the task and the memory, proposes an action, the
 * agent runs it, the observation goes to memory; until a final answer or `maxSteps`. Subclasses
 * say what one step is (`stepStream`): JSON tool calls for `ToolCallingAgent`, Python code for
 * `CodeAgent`. Planning, final answer checks, callbacks, memory, interruption, streaming and
 * managed agents live here.
 *
 * @example
 * const agent = new ToolCallingAgent({ tools: [weather], model });
 * const answer = await agent.run("What is the weather in Paris?");
 * for await (const event of agent.run("And in Rome?", { stream: true, reset: false })) console.log(event.type);
 */
export abstract class MultiStepAgent implements AsyncDisposable {
  readonly model: Model;
  /** The tools by name, `final_answer` included. */
  readonly tools: Record<string, Tool>;
  /** The managed agents by name. */
  readonly managedAgents: Record<string, MultiStepAgent>;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly instructions: string | undefined;
  maxSteps: number;
  planningInterval: number | undefined;
  provideRunSummary: boolean;
  returnFullResult: boolean;
  streamOutputs: boolean;
  finalAnswerChecks: FinalAnswerCheck[];
  readonly promptTemplates: PromptTemplates;
  readonly verbosityLevel: LogLevel;
  readonly logger: AgentLogger;
  readonly monitor: Monitor;
  readonly memory = new AgentMemory();
  /** Values shared across steps: `additionalArgs`, stored images; tools can read them by key. */
  state: Record<string, unknown> = {};
  /** The number of the step running (1-based), or of the last one once the run ended. */
  stepNumber = 0;
  /** The task of the current (or last) run, with the mention of its additional arguments. */
  task: string | undefined;

  /** The managed agents seen as tools (`task`, `additionalArgs`), by name. */
  protected readonly managedAgentTools: Record<string, ManagedAgentTool>;
  readonly #stepCallbacks: StepCallbackRegistry;
  #interruptRequested = false;
  #running = false;

  constructor(options: MultiStepAgentOptions) {
    if (!options?.model || typeof options.model.generate !== "function") {
      throw new AgentConfigurationError(
        "An agent needs a model: an object with a modelId and a generate() method.",
      );
    }
    this.model = options.model;
    checkAgentName(options.name);
    this.name = options.name;
    this.description = options.description;
    this.instructions = options.instructions;
    this.maxSteps = checkMaxSteps(options.maxSteps ?? 20);
    if (options.planningInterval !== undefined) checkMaxSteps(options.planningInterval, "planningInterval");
    this.planningInterval = options.planningInterval;
    this.provideRunSummary = options.provideRunSummary ?? false;
    this.returnFullResult = options.returnFullResult ?? false;
    this.streamOutputs = options.streamOutputs ?? false;
    this.finalAnswerChecks = [...(options.finalAnswerChecks ?? [])];
    this.promptTemplates = mergePromptTemplates(this.defaultPromptTemplates(), options.promptTemplates);

    this.tools = collectTools(options.tools, options.addBaseTools ?? false, this.baseToolsOptions());
    this.managedAgentTools = collectManagedAgents(options.managedAgents);
    this.managedAgents = Object.fromEntries(
      Object.entries(this.managedAgentTools).map(([name, wrapper]) => [name, wrapper.agent]),
    );
    const userToolNames = (options.tools ?? []).map((tool) => tool.name);
    const addedToolNames = Object.keys(this.tools).filter((name) => !userToolNames.includes(name));
    checkUniqueNames(
      [...userToolNames, ...addedToolNames],
      (options.managedAgents ?? []).map((agent) => agent.name!),
      this.name,
    );

    this.verbosityLevel = options.verbosityLevel ?? LogLevel.INFO;
    this.logger = options.logger ?? new AgentLogger({ level: this.verbosityLevel });
    this.monitor = new Monitor(this.model, this.logger);
    this.#stepCallbacks = new StepCallbackRegistry(options.stepCallbacks);
  }

  /** The templates of this kind of agent, before `promptTemplates` overrides. */
  protected abstract defaultPromptTemplates(): PromptTemplates;

  /**
   * One step: call the model, run its action, record everything on `actionStep`. Yields events
   * as they happen (`stream-delta`, `tool-call`, `tool-output`) and returns the action's output.
   * Throw an `AgentError` for a mistake of the model: it is stored on the step and shown to the
   * model, and the run goes on.
   */
  protected abstract stepStream(
    actionStep: ActionStep,
    context: StepContext,
  ): AsyncGenerator<AgentEvent, ActionOutput>;

  /** What `addBaseTools` asks the toolkit for; a CodeAgent says it runs code itself. */
  protected baseToolsOptions(): BaseToolsOptions {
    return { codeAgent: false };
  }

  /** Called once a run is set up, before its first step (a CodeAgent sends its tools and state). */
  protected async beforeRun(_context: { reset: boolean; signal?: AbortSignal }): Promise<void> {}

  /** Releases what the agent holds (an executor, …); `await using agent = …` calls it. */
  async cleanup(): Promise<void> {}

  async [Symbol.asyncDispose](): Promise<void> {
    await this.cleanup();
  }

  /** How one tool reads in prompts (system prompt, planning). */
  protected formatToolForPrompt(tool: Tool): string {
    return tool.toToolCallingPrompt();
  }

  /** The variables every template of this agent can use (the task and step counts come on top). */
  protected promptVariables(): Record<string, string | number> {
    const tools = Object.values(this.tools)
      .map((tool) => this.formatToolForPrompt(tool))
      .join("\n");
    const managedAgents = Object.values(this.managedAgentTools)
      .map((tool) => this.formatToolForPrompt(tool))
      .join("\n");
    return {
      tools,
      managedAgents,
      managedAgentsSection: managedAgents ? renderTemplate(MANAGED_AGENTS_SECTION, { managedAgents }) : "",
      instructions: this.instructions
        ? renderTemplate(INSTRUCTIONS_SECTION, { instructions: this.instructions })
        : "",
    };
  }

  /** Renders the system prompt from its template and the prompt variables. */
  protected initializeSystemPrompt(): string {
    return renderTemplate(this.promptTemplates.systemPrompt, this.promptVariables(), "systemPrompt");
  }

  /** The system prompt the model reads (rendered anew from the current tools). */
  get systemPrompt(): string {
    return this.initializeSystemPrompt();
  }

  /** Every tool the model can call: the tools, then the managed agents. */
  protected get toolsAndManagedAgents(): Tool[] {
    return [...Object.values(this.tools), ...Object.values(this.managedAgentTools)];
  }

  /** The memory as chat messages, as the model reads it. */
  writeMemoryToMessages(summaryMode = false): ChatMessage[] {
    return this.memory.toMessages(summaryMode);
  }

  /** Every step of the memory as plain data, the system prompt first. */
  get logs(): StepDict[] {
    return [
      { type: "system-prompt", systemPrompt: this.memory.systemPrompt.systemPrompt },
      ...this.memory.getFullSteps(),
    ];
  }

  /** Prints the memory's steps again (see `AgentMemory.replay`). */
  replay(detailed = false): void {
    this.memory.replay(this.logger, detailed);
  }

  /** Stops the run at the end of the current step; the run then rejects with `AgentInterruptedError`. */
  interrupt(): void {
    this.#interruptRequested = true;
  }

  /**
   * Runs the agent on a task. Resolves to the final answer (or a `RunResult` with
   * `returnFullResult`); with `stream: true`, returns the run's events instead.
   */
  run(task: string, options: RunOptions & { stream: true }): AsyncIterable<AgentEvent>;
  run(task: string, options: RunOptions & { stream?: false; returnFullResult: true }): Promise<RunResult>;
  run(task: string, options?: RunOptions & { stream?: false }): Promise<unknown>;
  run(task: string, options: RunOptions): Promise<unknown> | AsyncIterable<AgentEvent>;
  run(task: string, options: RunOptions = {}): Promise<unknown> | AsyncIterable<AgentEvent> {
    const events = this.runEvents(task, options);
    if (options.stream) return events;
    return this.#runToEnd(events, options);
  }

  async #runToEnd(events: AsyncGenerator<AgentEvent>, options: RunOptions): Promise<unknown> {
    const startTime = Date.now();
    let output: unknown;
    for await (const event of events) if (event.type === "final-answer") output = event.output;
    if (options.returnFullResult ?? this.returnFullResult)
      return buildRunResult(output, this.memory, startTime);
    return output;
  }

  /**
   * Runs one step outside of a run and returns its output: the model reads the memory as it is.
   */
  async step(actionStep: ActionStep, context: StepContext = {}): Promise<unknown> {
    const steps = this.stepStream(actionStep, context);
    for (;;) {
      const next = await steps.next();
      if (next.done) return next.value.output;
    }
  }

  /**
   * As a managed agent: runs the task given by a manager (wrapped in the `managedAgent.task`
   * template) and returns the report (`managedAgent.report`, plus a summary of the work with
   * `provideRunSummary`).
   */
  async callAsManagedAgent(
    task: string,
    options: { additionalArgs?: Record<string, unknown>; signal?: AbortSignal } = {},
  ): Promise<string> {
    return await runAsManagedAgent(this, task, options);
  }

  /** A JSON-able description of the agent, without secrets, callbacks or checks. */
  toDict(): Record<string, unknown> {
    return {
      class: this.constructor.name,
      tools: Object.values(this.tools).map((tool) => tool.toDict()),
      model: {
        class: modelClassName(this.model),
        data: this.model.toDict?.() ?? { modelId: this.model.modelId },
      },
      managedAgents: Object.values(this.managedAgents).map((agent) => agent.toDict()),
      promptTemplates: this.promptTemplates,
      maxSteps: this.maxSteps,
      verbosityLevel: this.verbosityLevel,
      planningInterval: this.planningInterval,
      name: this.name,
      description: this.description,
      instructions: this.instructions,
      provideRunSummary: this.provideRunSummary,
      returnFullResult: this.returnFullResult,
      streamOutputs: this.streamOutputs,
    };
  }

  /** Sets the run up (memory, state, task), then runs the steps; yields every event. */
  protected async *runEvents(task: string, options: RunOptions): AsyncGenerator<AgentEvent, void> {
    if (this.#running) {
      throw new AgentError(
        `The agent${this.name ? ` '${this.name}'` : ""} is already running a task. Wait for that run to end, ` +
          "or use another agent instance for concurrent runs.",
      );
    }
    this.#running = true;
    try {
      const maxSteps = checkMaxSteps(options.maxSteps ?? this.maxSteps);
      const reset = options.reset ?? true;
      this.#interruptRequested = false;
      this.#throwIfStopped(options.signal);
      let fullTask = task;
      if (options.additionalArgs && Object.keys(options.additionalArgs).length > 0) {
        Object.assign(this.state, options.additionalArgs);
        fullTask += `\n${this.describeAdditionalArgs(options.additionalArgs)}`;
      }
      this.task = fullTask;
      this.memory.systemPrompt = new SystemPromptStep(this.initializeSystemPrompt());
      if (reset) {
        this.memory.reset();
        this.monitor.reset();
      }
      this.logger.logTask(fullTask.trim(), {
        title: this.name,
        subtitle: `${modelClassName(this.model)} - ${this.model.modelId}`,
      });
      this.memory.steps.push(new TaskStep(fullTask, options.images ?? []));
      await this.beforeRun({ reset, signal: options.signal });
      yield* this.#runSteps(fullTask, maxSteps, options);
    } finally {
      this.#running = false;
    }
  }

  /** How the task mentions its additional arguments; a CodeAgent says they are variables. */
  protected describeAdditionalArgs(additionalArgs: Record<string, unknown>): string {
    return (
      "You are also given these additional arguments, which you can use through their keys " +
      `(pass a key as a string argument and it is replaced by its value):\n${stringifyValue(additionalArgs)}`
    );
  }

  async *#runSteps(task: string, maxSteps: number, options: RunOptions): AsyncGenerator<AgentEvent, void> {
    const { signal } = options;
    let finalOutput: unknown;
    let answered = false;
    this.stepNumber = 1;
    while (!answered && this.stepNumber <= maxSteps) {
      this.#throwIfStopped(signal);
      if (this.#isPlanningStep(this.stepNumber)) {
        const isFirstPlan = this.memory.steps.length === 1;
        const planningStep = yield* generatePlanningStep({
          templates: this.promptTemplates,
          variables: { ...this.promptVariables(), task, remainingSteps: maxSteps - this.stepNumber + 1 },
          isFirstPlan,
          task,
          summaryMemory: () => this.writeMemoryToMessages(true),
          generate: (messages, options) => this.generateModelOutput(messages, { ...options, signal }),
        });
        this.logger.logPlan(planningStep.plan, { initial: isFirstPlan });
        await this.#finalizeStep(planningStep);
        this.memory.steps.push(planningStep);
        yield { type: "planning-step", step: planningStep };
      }
      const actionStep = new ActionStep(this.stepNumber, new Timing(Date.now()));
      this.logger.logRule(`Step ${this.stepNumber}`);
      let fatalError: unknown;
      try {
        const result = yield* this.stepStream(actionStep, { signal });
        yield { type: "action-output", output: result.output, isFinalAnswer: result.isFinalAnswer };
        if (result.isFinalAnswer) {
          this.logger.logFinalAnswer(result.output);
          await checkFinalAnswer(result.output, this.finalAnswerChecks, this.memory, this);
          actionStep.isFinalAnswer = true;
          finalOutput = result.output;
          answered = true;
        }
      } catch (caught) {
        const error = signal?.aborted ? interruptedError(signal, caught) : caught;
        if (AgentError.isInstance(error)) {
          actionStep.error = error;
          // A failed tool call was already printed with its observation.
          if (!actionStep.toolResults?.some((result) => result.error === error))
            this.logger.logError(error.message);
        }
        // The model's mistakes go back to it; a model that cannot answer, an interruption or a
        // bug of the framework ends the run (after the step is recorded).
        const recoverable =
          AgentError.isInstance(error) &&
          !AgentGenerationError.isInstance(error) &&
          !AgentInterruptedError.isInstance(error);
        if (!recoverable) fatalError = error;
      }
      await this.#finalizeStep(actionStep);
      this.memory.steps.push(actionStep);
      yield { type: "action-step", step: actionStep };
      if (fatalError !== undefined) throw fatalError;
      if (!answered) this.stepNumber += 1;
    }
    if (!answered) {
      this.#throwIfStopped(signal);
      const step = yield* answerFromMemory({
        templates: this.promptTemplates,
        memoryMessages: this.writeMemoryToMessages(),
        task,
        images: options.images,
        stepNumber: this.stepNumber,
        maxSteps,
        generate: (messages) => this.generateModelOutput(messages, { signal }, false),
      });
      this.logger.logError(step.error!.message);
      this.logger.logFinalAnswer(step.actionOutput);
      await this.#finalizeStep(step);
      this.memory.steps.push(step);
      yield { type: "action-step", step };
      finalOutput = step.actionOutput;
    }
    const finalAnswerStep = new FinalAnswerStep(finalOutput);
    await this.#stepCallbacks.fire(finalAnswerStep, this);
    yield { type: "final-answer", step: finalAnswerStep, output: finalOutput };
  }

  #isPlanningStep(stepNumber: number): boolean {
    const interval = this.planningInterval;
    return interval !== undefined && (stepNumber === 1 || (stepNumber - 1) % interval === 0);
  }

  /**
   * Calls the model, streaming its output as `stream-delta` events when `streamOutputs` is on
   * and the model can stream. A failure becomes `AgentGenerationError` (or
   * `AgentInterruptedError` when the run's signal aborted it).
   */
  protected generateModelOutput(
    messages: ChatMessage[],
    options: GenerateOptions,
    allowStreaming = true,
  ): AsyncGenerator<AgentEvent, ChatMessage> {
    return generateModelOutput(this.model, messages, options, allowStreaming && this.streamOutputs);
  }

  async #finalizeStep(step: ActionStep | PlanningStep): Promise<void> {
    step.timing.endTime ??= Date.now();
    this.monitor.updateMetrics(step);
    await this.#stepCallbacks.fire(step, this);
  }

  #throwIfStopped(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw interruptedError(signal);
    if (this.#interruptRequested) {
      this.#interruptRequested = false;
      throw new AgentInterruptedError("The agent was interrupted: the run stopped at the end of a step.");
    }
  }
}

/** Kept here too: the CodeAgent imports it from this module. */
export { stringifyValue } from "./value-text.js";
