import {
  AgentBusyError,
  AgentConfigurationError,
  AgentError,
  AgentGenerationError,
  AgentInterruptedError,
  AgentMaxStepsError,
  AgentOutputValidationError,
  SessionSnapshotError,
} from "../errors.js";
import { AgentLogger, LogLevel, type Monitor } from "../logging/index.js";
import type { AgentMemory } from "../memory/agent-memory.js";
import type { StepDict } from "../memory/step-dicts.js";
import { ActionStep, FinalAnswerStep, SystemPromptStep, TaskStep, Timing } from "../memory/steps.js";
import type { ChatMessage } from "../models/messages.js";
import type { GenerateOptions, Model } from "../models/model.js";
import { mergePromptTemplates, type PromptTemplates } from "../prompts/prompt-templates.js";
import { renderTemplate } from "../prompts/render-template.js";
import { INSTRUCTIONS_SECTION, MANAGED_AGENTS_SECTION } from "../prompts/tool-calling-agent.js";
import type { Tool } from "../tools/tool.js";
import type { AgentContext } from "./agent-context.js";
import type {
  ActionOutput,
  FinalAnswerCheck,
  MultiStepAgentOptions,
  RunOptions,
  RunResult,
  StepContext,
} from "./agent-options.js";
import {
  AgentSession,
  closedSessionError,
  type SessionHost,
  type SessionOptions,
  sessionRunState,
} from "./agent-session.js";
import {
  checkAgentName,
  checkMaxSteps,
  checkUniqueNames,
  collectManagedAgents,
  collectTools,
} from "./agent-setup.js";
import {
  type ApprovalDecision,
  type ApprovalRequestEvent,
  approvalInterruptedError,
  decideApproval,
} from "./approvals.js";
import type { BaseToolsOptions } from "./base-tools.js";
import {
  type AgentDetailEvent,
  type AgentEvent,
  type AgentEventListener,
  isDetailEvent,
  type ObservedEvent,
  type RunEvent,
  type RunIds,
} from "./events.js";
import { answerFromMemory, checkFinalAnswer } from "./final-answer.js";
import { ManagedAgentTool, runAsManagedAgent } from "./managed-agent-tool.js";
import { generateModelOutput, interruptedError, modelClassName } from "./model-output.js";
import { checkOutputSchema, type OutputSchema, outputSchemaPrompt, validateOutput } from "./output-schema.js";
import { generatePlanningStep } from "./planning.js";
import { logRunEvent } from "./run-console.js";
import { buildRunResult } from "./run-result.js";
import { readSessionSnapshot } from "./session-snapshot.js";
import { StepCallbackRegistry } from "./step-callbacks.js";
import { stringifyValue } from "./value-text.js";

/** Shows an event to what follows the run from inside (see `#publish`); resolves to the event. */
type Publish = <Event extends AgentEvent | AgentDetailEvent>(event: Event) => Promise<Event>;

/**
 * The loop every agent shares: the model reads the task and the memory, proposes an action, the
 * agent runs it, the observation goes to memory; until a final answer or `maxSteps`. Subclasses
 * say what one step is (`stepStream`): JSON tool calls for `ToolCallingAgent`, Python code for
 * `CodeAgent`. Planning, final answer checks, callbacks, memory, interruption, streaming and
 * managed agents live here.
 *
 * The agent is configuration plus a default session: `run`, `memory`, `state`, `interrupt()`
 * act on that session; `session()` opens more, each an independent conversation.
 *
 * @example
 * const agent = new ToolCallingAgent({ tools: [weather], model });
 * const answer = await agent.run("What is the weather in Paris?");
 * for await (const event of agent.run("And in Rome?", { stream: true, reset: false })) console.log(event.type);
 */
export abstract class MultiStepAgent<Output = unknown> implements AgentContext, AsyncDisposable {
  readonly model: Model;
  /** The tools by name, `final_answer` included. */
  readonly tools: Record<string, Tool>;
  /** The managed agents by name. */
  readonly managedAgents: Record<string, MultiStepAgent<any>>;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly instructions: string | undefined;
  maxSteps: number;
  planningInterval: number | undefined;
  provideRunSummary: boolean;
  returnFullResult: boolean;
  streamOutputs: boolean;
  finalAnswerChecks: FinalAnswerCheck[];
  /** The structure the final answer must have (see `MultiStepAgentOptions.outputSchema`). */
  readonly outputSchema: OutputSchema<Output> | undefined;
  readonly promptTemplates: PromptTemplates;
  readonly verbosityLevel: LogLevel;
  readonly logger: AgentLogger;

  /** The managed agents seen as tools (`task`, `additionalArgs`), by name, for the default session. */
  protected readonly managedAgentTools: Record<string, ManagedAgentTool>;
  readonly #stepCallbacks: StepCallbackRegistry;
  readonly #sessionHost: SessionHost;
  readonly #defaultSession: AgentSession<Output>;
  /** The sessions opened with `session()` and not closed yet. */
  readonly #openSessions = new Set<AgentSession>();
  /** The listeners added with `onEvent`. */
  readonly #eventListeners = new Set<AgentEventListener>();

  constructor(options: MultiStepAgentOptions<Output>) {
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
    this.outputSchema = checkOutputSchema(options.outputSchema) as OutputSchema<Output> | undefined;
    this.promptTemplates = mergePromptTemplates(this.defaultPromptTemplates(), options.promptTemplates);

    this.tools = collectTools(options.tools, options.addBaseTools ?? false, this.baseToolsOptions());
    this.managedAgentTools = collectManagedAgents(options.managedAgents);
    this.managedAgents = Object.fromEntries(
      (options.managedAgents ?? []).map((agent) => [agent.name!, agent]),
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
    this.#stepCallbacks = new StepCallbackRegistry(options.stepCallbacks);
    const agent = this;
    this.#sessionHost = {
      get name() {
        return agent.name;
      },
      get agentClass() {
        return agent.constructor.name;
      },
      get tools() {
        return agent.tools;
      },
      get model() {
        return agent.model;
      },
      get logger() {
        return agent.logger;
      },
      run: (session, task, runOptions) => this.#run(session, task, runOptions),
      release: async (session) => {
        this.#openSessions.delete(session);
        await this.releaseSession(session);
      },
    };
    this.#defaultSession = new AgentSession<Output>(this.#sessionHost);
  }

  /** The session `run`, `memory`, `state` and `interrupt()` of the agent act on. */
  get defaultSession(): AgentSession<Output> {
    return this.#defaultSession;
  }

  /** The default session's memory. */
  get memory(): AgentMemory {
    return this.#defaultSession.memory;
  }

  /** The default session's state: `additionalArgs`, stored images; tools can read them by key. */
  get state(): Record<string, unknown> {
    return this.#defaultSession.state;
  }

  set state(state: Record<string, unknown>) {
    this.#defaultSession.state = state;
  }

  /** The default session's step number (1-based), or of the last one once its run ended. */
  get stepNumber(): number {
    return this.#defaultSession.stepNumber;
  }

  set stepNumber(stepNumber: number) {
    this.#defaultSession.stepNumber = stepNumber;
  }

  /** The task of the default session's current (or last) run. */
  get task(): string | undefined {
    return this.#defaultSession.task;
  }

  set task(task: string | undefined) {
    this.#defaultSession.task = task;
  }

  /** The default session's step durations and token totals. */
  get monitor(): Monitor {
    return this.#defaultSession.monitor;
  }

  /**
   * Opens an independent conversation with this agent: its own memory, state and run counter
   * (and, for a CodeAgent, its own executor). Close it with `await session.close()` or
   * `await using`; disposing of the agent closes the sessions still open. With `restore`, the
   * session continues one saved with `session.toJSON()`.
   *
   * @example
   * await using session = agent.session();
   * const answer = await session.run("What is 2 + 2?");
   * const saved = JSON.stringify(session); // later, maybe elsewhere:
   * await agent.session({ restore: saved }).run("And times 3?", { reset: false });
   */
  session(options: SessionOptions = {}): AgentSession<Output> {
    const restored = options.restore === undefined ? undefined : readSessionSnapshot(options.restore);
    if (
      restored?.python &&
      Object.keys(restored.python.variables).length > 0 &&
      !this.restoresPythonVariables()
    ) {
      throw new SessionSnapshotError(
        `The snapshot holds Python variables, which a ${this.constructor.name} cannot define: restore it into a CodeAgent.`,
      );
    }
    const session = new AgentSession<Output>(this.#sessionHost, options, restored);
    this.#openSessions.add(session);
    return session;
  }

  /**
   * Calls `listener` with every event of this agent's runs, in every session, as it happens
   * (before the stream yields it), the detail events included: model calls, code executions and
   * the tool calls made from code (see `ObservedEvent`). Returns the function that removes it.
   * Tracing (`@smol/otel`) is built on it. A managed agent's runs are its own: listen to it too.
   *
   * @example
   * const stop = agent.onEvent((event) => console.log(event.runId, event.type));
   * await agent.run("What is 2 + 2?");
   * stop();
   */
  onEvent(listener: AgentEventListener): () => void {
    this.#eventListeners.add(listener);
    return () => {
      this.#eventListeners.delete(listener);
    };
  }

  /**
   * Frees what the agent keeps for a session: the sessions of managed agents opened for it
   * (a CodeAgent also stops the session's executor). Called by `session.close()` and, for the
   * default session, by `cleanup()`.
   */
  protected async releaseSession(session: AgentSession): Promise<void> {
    const { children } = sessionRunState(session);
    const closing = [...children.values()].map((child) => child.close());
    children.clear();
    await Promise.all(closing);
  }

  /** What checks and callbacks receive: the agent itself for its default session, as before sessions. */
  #contextOf(session: AgentSession): AgentContext {
    return session === this.#defaultSession ? this : session.context;
  }

  /** The session a step runs in (the default one when the context does not say). */
  protected sessionOf(context: StepContext): AgentSession {
    return context.session ?? this.#defaultSession;
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
  ): AsyncGenerator<AgentEvent | AgentDetailEvent, ActionOutput>;

  /** What `addBaseTools` asks the toolkit for; a CodeAgent says it runs code itself. */
  protected baseToolsOptions(): BaseToolsOptions {
    return { codeAgent: false };
  }

  /** Whether a snapshot's Python variables can be restored into this agent's sessions (a CodeAgent's). */
  protected restoresPythonVariables(): boolean {
    return false;
  }

  /**
   * Called when a run's steps are over, whatever the outcome, before `run-end` (a CodeAgent
   * reads its Python variables for the session's snapshot). Must not throw.
   */
  protected async afterRun(_context: { session: AgentSession; signal?: AbortSignal }): Promise<void> {}

  /** Called once a run is set up, before its first step (a CodeAgent sends its tools and state). */
  protected async beforeRun(_context: {
    reset: boolean;
    signal?: AbortSignal;
    session: AgentSession;
  }): Promise<void> {}

  /**
   * Releases what the agent holds: the sessions still open, and what its default session uses
   * (an executor, …); `await using agent = …` calls it. The agent can run again afterwards.
   */
  async cleanup(): Promise<void> {
    await Promise.all([...this.#openSessions].map((session) => session.close()));
    await this.releaseSession(this.#defaultSession);
  }

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
    const prompt = renderTemplate(this.promptTemplates.systemPrompt, this.promptVariables(), "systemPrompt");
    // Appended rather than a template variable: templates written for smolagents keep working.
    return this.outputSchema ? `${prompt}\n${outputSchemaPrompt(this.outputSchema)}` : prompt;
  }

  /** The system prompt the model reads (rendered anew from the current tools). */
  get systemPrompt(): string {
    return this.initializeSystemPrompt();
  }

  /** Every tool the model can call in the default session: the tools, then the managed agents. */
  /** Whether the agent acts in code (a CodeAgent): the console then prints each step's code, not tool calls. */
  protected get actsInCode(): boolean {
    return false;
  }

  protected get toolsAndManagedAgents(): Tool[] {
    return this.toolsAndManagedAgentsOf(this.#defaultSession);
  }

  /** Every tool the model can call in a session: the tools, then the session's managed agents. */
  protected toolsAndManagedAgentsOf(session: AgentSession): Tool[] {
    return [...Object.values(this.tools), ...Object.values(this.managedAgentToolsOf(session))];
  }

  /**
   * The managed agents as tools for a session. In the default session they run in their own
   * default sessions, as before sessions existed; in any other session each runs in a session
   * of its own, opened at its first call and closed with this one, so that concurrent sessions
   * of the manager never share a managed agent's memory.
   */
  protected managedAgentToolsOf(session: AgentSession): Record<string, ManagedAgentTool> {
    if (session === this.#defaultSession) return this.managedAgentTools;
    return Object.fromEntries(
      Object.entries(this.managedAgentTools).map(([name, wrapper]) => {
        const managed = this.managedAgents[name]!;
        return [
          name,
          new ManagedAgentTool(wrapper.agent, () => session.childSession(name, () => managed.session())),
        ];
      }),
    );
  }

  /** The default session's memory as chat messages, as the model reads it. */
  writeMemoryToMessages(summaryMode = false): ChatMessage[] {
    return this.#defaultSession.writeMemoryToMessages(summaryMode);
  }

  /** Every step of the default session's memory as plain data, the system prompt first. */
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

  /**
   * Stops the default session's run at the end of the current step; the run then rejects with
   * `AgentInterruptedError`. (`session.interrupt()` for another session.)
   */
  interrupt(): void {
    this.#defaultSession.interrupt();
  }

  /** Approves a tool call of the default session's run (see `AgentSession.approve`). */
  approve(approvalId: string): void {
    this.#defaultSession.approve(approvalId);
  }

  /** Rejects a tool call of the default session's run (see `AgentSession.reject`). */
  reject(approvalId: string, reason?: string): void {
    this.#defaultSession.reject(approvalId, reason);
  }

  /**
   * Whether a tool call may run: asks for approval when the tool's `needsApproval` says so
   * (announcing the `approval-request` event) and waits, as the session's run decides (its
   * `onApproval`, or `approve` / `reject` when streamed). Rejects when the wait is cancelled
   * (interrupt, abort, end of the run) or `onApproval` fails: the call must not run then.
   */
  protected decideToolApproval(
    session: AgentSession,
    call: { tool: Tool; args: Record<string, unknown> | unknown[]; toolCallId?: string },
    announce: (event: ApprovalRequestEvent) => Promise<void> | void,
  ): Promise<ApprovalDecision> {
    const runState = sessionRunState(session);
    return decideApproval({
      ...call,
      context: this.#contextOf(session),
      pending: runState.approvals,
      approver: runState.approver,
      announce,
    });
  }

  /**
   * Runs the agent on a task in its default session. Resolves to the final answer (or a
   * `RunResult` with `returnFullResult`); with `stream: true`, returns the run's events instead.
   * Rejects with `AgentBusyError` when the default session is already running a task.
   */
  run(task: string, options: RunOptions & { stream: true }): AsyncIterable<RunEvent>;
  run(
    task: string,
    options: RunOptions & { stream?: false; returnFullResult: true },
  ): Promise<RunResult<Output>>;
  run(task: string, options?: RunOptions & { stream?: false }): Promise<Output>;
  run(task: string, options: RunOptions): Promise<unknown> | AsyncIterable<RunEvent>;
  run(task: string, options: RunOptions = {}): Promise<unknown> | AsyncIterable<RunEvent> {
    return this.#run(this.#defaultSession, task, options);
  }

  #run(session: AgentSession, task: string, options: RunOptions): Promise<unknown> | AsyncIterable<RunEvent> {
    const events = this.#runEvents(session, task, options);
    if (options.stream) return events;
    return this.#runToEnd(events, options);
  }

  async #runToEnd(events: AsyncGenerator<RunEvent>, options: RunOptions): Promise<unknown> {
    let result: RunResult | undefined;
    for await (const event of events) if (event.type === "run-end") result = event.result;
    // A run that ends without throwing always ends with a run-end event.
    if (options.returnFullResult ?? this.returnFullResult) return result;
    return result?.output;
  }

  /**
   * Runs one step outside of a run and returns its output: the model reads the memory as it is
   * (the default session's, unless `context.session` names another).
   */
  async step(actionStep: ActionStep, context: StepContext = {}): Promise<unknown> {
    const steps = this.stepStream(actionStep, { ...context, session: this.sessionOf(context) });
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

  /**
   * Sets the run up in the session (memory, state, task), then runs the steps. Yields every
   * event stamped with the run's and the session's ids, from `run-start` to `run-end`.
   */
  async *#runEvents(
    session: AgentSession,
    task: string,
    options: RunOptions,
  ): AsyncGenerator<RunEvent, void> {
    const runState = sessionRunState(session);
    // Checked when the run is asked for (the promise form starts iterating at once), and
    // before anything of the session is touched: the run under way is not disturbed.
    if (runState.closed) throw closedSessionError(session);
    if (runState.running) {
      throw new AgentBusyError(
        `The ${session === this.#defaultSession ? "agent" : "session"}${this.name ? ` of '${this.name}'` : ""} ` +
          `(session ${session.id}) is already running a task. Wait for that run to end, or run in ` +
          "another session: agent.session().run(task).",
        session.id,
      );
    }
    runState.running = true;
    runState.approver = {
      onApproval: options.onApproval,
      streaming: options.stream === true,
      signal: options.signal,
    };
    const ids = { runId: globalThis.crypto.randomUUID(), sessionId: session.id };
    const stamp = (event: AgentEvent): RunEvent => ({ ...event, ...ids });
    const startTime = Date.now();
    let started = false;
    try {
      const maxSteps = checkMaxSteps(options.maxSteps ?? this.maxSteps);
      const reset = options.reset ?? true;
      runState.interruptRequested = false;
      this.#throwIfStopped(session, options.signal);
      let fullTask = task;
      if (options.additionalArgs && Object.keys(options.additionalArgs).length > 0) {
        Object.assign(session.state, options.additionalArgs);
        fullTask += `\n${this.describeAdditionalArgs(options.additionalArgs)}`;
      }
      session.task = fullTask;
      session.runCount += 1;
      session.memory.systemPrompt = new SystemPromptStep(this.initializeSystemPrompt());
      if (reset) {
        session.memory.reset();
        session.monitor.reset();
      }
      started = true;
      const publish: Publish = (event) => this.#publish(session, event, maxSteps, ids);
      yield stamp(await publish({ type: "run-start", task: fullTask }));
      session.memory.steps.push(new TaskStep(fullTask, options.images ?? []));
      await this.beforeRun({ reset, signal: options.signal, session });
      let output: unknown;
      for await (const event of this.#runSteps(session, fullTask, maxSteps, options, publish)) {
        if (event.type === "final-answer") output = event.output;
        yield stamp(event);
      }
      await this.afterRun({ session, signal: options.signal });
      yield stamp(await publish({ type: "run-end", result: buildRunResult(session, startTime, { output }) }));
    } catch (error) {
      // A run that started always ends with run-end, which says why it stopped; then the error.
      if (started) {
        await this.afterRun({ session, signal: options.signal }).catch(() => undefined);
        const runEnd: AgentEvent = { type: "run-end", result: buildRunResult(session, startTime, { error }) };
        yield stamp(await this.#publish(session, runEnd, 0, ids).catch(() => runEnd));
      }
      throw error;
    } finally {
      // A reader that stopped early leaves no tool call waiting for an approval nobody will give.
      runState.approvals.cancelAll(approvalInterruptedError());
      runState.approver = undefined;
      runState.running = false;
    }
  }

  /** How the task mentions its additional arguments; a CodeAgent says they are variables. */
  protected describeAdditionalArgs(additionalArgs: Record<string, unknown>): string {
    return (
      "You are also given these additional arguments, which you can use through their keys " +
      `(pass a key as a string argument and it is replaced by its value):\n${stringifyValue(additionalArgs)}`
    );
  }

  /**
   * The run's loop. Every event goes through `publish` (the console, the monitor and the step
   * callbacks see it, in that order) before the stream's reader gets it; a finished step is
   * published before it is added to memory, and yielded after.
   */
  async *#runSteps(
    session: AgentSession,
    task: string,
    maxSteps: number,
    options: RunOptions,
    publish: Publish,
  ): AsyncGenerator<AgentEvent, void> {
    const { signal } = options;
    const { memory } = session;
    let finalOutput: unknown;
    let answered = false;
    session.stepNumber = 1;
    while (!answered && session.stepNumber <= maxSteps) {
      this.#throwIfStopped(session, signal);
      if (this.#isPlanningStep(session.stepNumber)) {
        const isFirstPlan = memory.steps.length === 1;
        const planningStep = yield* this.#published(
          publish,
          generatePlanningStep({
            templates: this.promptTemplates,
            variables: { ...this.promptVariables(), task, remainingSteps: maxSteps - session.stepNumber + 1 },
            isFirstPlan,
            task,
            summaryMemory: () => session.writeMemoryToMessages(true),
            generate: (messages, options) => this.generateModelOutput(messages, { ...options, signal }),
          }),
        );
        planningStep.timing.endTime ??= Date.now();
        const planned = await publish({ type: "planning-step", step: planningStep });
        memory.steps.push(planningStep);
        yield planned;
      }
      yield await publish({ type: "step-start", stepNumber: session.stepNumber });
      const actionStep = new ActionStep(session.stepNumber, new Timing(Date.now()));
      let fatalError: unknown;
      try {
        const result = yield* this.#published(publish, this.stepStream(actionStep, { signal, session }));
        yield await publish({
          type: "action-output",
          output: result.output,
          isFinalAnswer: result.isFinalAnswer,
        });
        if (result.isFinalAnswer) {
          // The schema first: the checks then read the answer as the run will return it.
          const answer = this.outputSchema
            ? await validateOutput(this.outputSchema, result.output)
            : result.output;
          await checkFinalAnswer(answer, this.finalAnswerChecks, memory, this.#contextOf(session));
          actionStep.isFinalAnswer = true;
          finalOutput = answer;
          answered = true;
        }
      } catch (caught) {
        const error = signal?.aborted ? interruptedError(signal, caught) : caught;
        if (AgentError.isInstance(error)) actionStep.error = error;
        // The model's mistakes go back to it; a model that cannot answer, an interruption or a
        // bug of the framework ends the run (after the step is recorded).
        const recoverable =
          AgentError.isInstance(error) &&
          !AgentGenerationError.isInstance(error) &&
          !AgentInterruptedError.isInstance(error);
        if (!recoverable) fatalError = error;
      }
      actionStep.timing.endTime ??= Date.now();
      const stepEvent = await publish({ type: "action-step", step: actionStep });
      memory.steps.push(actionStep);
      yield stepEvent;
      if (fatalError !== undefined) throw fatalError;
      if (!answered) session.stepNumber += 1;
    }
    if (!answered) {
      this.#throwIfStopped(session, signal);
      yield await publish({ type: "step-start", stepNumber: session.stepNumber });
      const step = yield* this.#published(
        publish,
        answerFromMemory({
          templates: this.promptTemplates,
          memoryMessages: session.writeMemoryToMessages(),
          task,
          images: options.images,
          stepNumber: session.stepNumber,
          maxSteps,
          generate: (messages) => this.generateModelOutput(messages, { signal }, false),
        }),
      );
      step.timing.endTime ??= Date.now();
      const stepEvent = await publish({ type: "action-step", step });
      memory.steps.push(step);
      yield stepEvent;
      finalOutput = await this.#answerFromMemoryOutput(step.actionOutput, maxSteps);
    }
    const finalAnswerStep = new FinalAnswerStep(finalOutput);
    yield await publish({ type: "final-answer", step: finalAnswerStep, output: finalOutput });
  }

  /**
   * The answer written from memory, validated when there is an `outputSchema`. It is the
   * model's last word: an answer that does not match ends the run with `AgentMaxStepsError`
   * rather than resolving to a value of the wrong type.
   */
  async #answerFromMemoryOutput(answer: unknown, maxSteps: number): Promise<unknown> {
    if (!this.outputSchema) return answer;
    try {
      return await validateOutput(this.outputSchema, answer);
    } catch (error) {
      if (!AgentOutputValidationError.isInstance(error)) throw error;
      throw new AgentMaxStepsError(
        `Reached the maximum number of steps (${maxSteps}) without a final answer, and the answer written ` +
          `from memory does not match the output schema:\n${error.issues.map((issue) => `- ${issue}`).join("\n")}`,
        { cause: error },
      );
    }
  }

  /**
   * Passes on the events of a step's generator, each published first; returns what it returns.
   * Detail events are published only: the stream does not yield them.
   */
  async *#published<Result>(
    publish: Publish,
    events: AsyncGenerator<AgentEvent | AgentDetailEvent, Result>,
  ): AsyncGenerator<AgentEvent, Result> {
    let finished = false;
    try {
      for (;;) {
        const next = await events.next();
        if (next.done) {
          finished = true;
          return next.value;
        }
        const event = await publish(next.value);
        if (!isDetailEvent(event)) yield event;
      }
    } finally {
      // As `yield*` would: a reader that stops early also closes the step's generator, so that
      // its own cleanup (a model stream being read, …) runs.
      if (!finished) await events.return(undefined as Result);
    }
  }

  /**
   * Shows an event to what follows the run from inside, in order: the console (the only
   * printer of a run: the agents print nothing themselves), the monitor (the step footers and
   * token totals), the step callbacks and the `onEvent` listeners (with the console, the only
   * ones to see detail events). Resolves to the event, for the stream.
   */
  async #publish<Event extends AgentEvent | AgentDetailEvent>(
    session: AgentSession,
    event: Event,
    maxSteps: number,
    ids: RunIds,
  ): Promise<Event> {
    logRunEvent(this.logger, event, {
      title: this.name,
      subtitle: `${modelClassName(this.model)} - ${this.model.modelId}`,
      memoryLength: session.memory.steps.length,
      maxSteps,
      actsInCode: this.actsInCode,
    });
    if (isDetailEvent(event)) {
      this.#notifyListeners(event, ids);
      return event;
    }
    if (event.type === "planning-step" || event.type === "action-step")
      session.monitor.updateMetrics(event.step);
    await this.#stepCallbacks.follow(event, this.#contextOf(session));
    this.#notifyListeners(event, ids);
    return event;
  }

  /** Listeners are not awaited, and their failures are logged: they observe, they never steer the run. */
  #notifyListeners(unstamped: AgentEvent | AgentDetailEvent, ids: RunIds): void {
    if (this.#eventListeners.size === 0) return;
    const event = { ...unstamped, ...ids } as ObservedEvent;
    const failed = (error: unknown) =>
      this.logger.logError(
        `An onEvent listener failed on '${event.type}': ${error instanceof Error ? error.message : String(error)}`,
      );
    for (const listener of [...this.#eventListeners]) {
      try {
        const returned = listener(event);
        if (returned && typeof returned.then === "function") returned.then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    }
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
  ): AsyncGenerator<AgentEvent | AgentDetailEvent, ChatMessage> {
    return generateModelOutput(this.model, messages, options, allowStreaming && this.streamOutputs);
  }

  #throwIfStopped(session: AgentSession, signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw interruptedError(signal);
    const runState = sessionRunState(session);
    if (runState.interruptRequested) {
      runState.interruptRequested = false;
      throw new AgentInterruptedError("The agent was interrupted: the run stopped at the end of a step.");
    }
  }
}

/** Kept here too: the CodeAgent imports it from this module. */
export { stringifyValue } from "./value-text.js";
