/**
 * Every error smol throws is a `SmolError`. Each class carries a stable marker from
 * `Symbol.for(...)`, so `ModelApiError.isInstance(e)` still answers correctly when two copies
 * of `@smol/core` end up in one `node_modules` (where `instanceof` would lie).
 */
const smolErrorMarker = Symbol.for("smol.error");

export class SmolError extends Error {
  /** Stable error name, also used as the marker key: `smol.error.<name>`. */
  static readonly errorName: string = "SmolError";
  readonly [smolErrorMarker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = (new.target as typeof SmolError).errorName;
    // One marker per class in the chain, so isInstance works for subclasses too.
    let klass = new.target as typeof SmolError | undefined;
    while (klass && klass !== (Error as unknown)) {
      Object.defineProperty(this, Symbol.for(`smol.error.${klass.errorName}`), { value: true });
      klass = Object.getPrototypeOf(klass) as typeof SmolError | undefined;
      if (!klass || !("errorName" in klass)) break;
    }
  }

  // `this` is any error class, whatever its constructor's parameters (AgentToolCallError takes a
  // tool name): `typeof SmolError` would reject those subclasses.
  static isInstance<T extends abstract new (...args: any[]) => SmolError>(
    this: T & { readonly errorName: string },
    error: unknown,
  ): error is InstanceType<T> {
    return (
      typeof error === "object" &&
      error !== null &&
      // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass isInstance was called on.
      (error as Record<symbol, unknown>)[Symbol.for(`smol.error.${this.errorName}`)] === true
    );
  }
}

/** Base of the errors that happen while an agent runs; most are fed back to the model. */
export class AgentError extends SmolError {
  static override readonly errorName: string = "AgentError";
}

/** The model's output could not be parsed into an action (no code block, bad JSON, …). */
export class AgentParsingError extends AgentError {
  static override readonly errorName: string = "AgentParsingError";
}

/** The code or tool the model asked for failed while running. */
export class AgentExecutionError extends AgentError {
  static override readonly errorName: string = "AgentExecutionError";
}

/** The model called a tool with arguments that do not match its schema, or an unknown tool. */
export class AgentToolCallError extends AgentExecutionError {
  static override readonly errorName: string = "AgentToolCallError";
  constructor(
    message: string,
    readonly toolName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A tool threw while running. */
export class AgentToolExecutionError extends AgentExecutionError {
  static override readonly errorName: string = "AgentToolExecutionError";
  constructor(
    message: string,
    readonly toolName: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The model could not be called at all; this stops the run. */
export class AgentGenerationError extends AgentError {
  static override readonly errorName: string = "AgentGenerationError";
}

/** The run reached `maxSteps` without a final answer. */
export class AgentMaxStepsError extends AgentError {
  static override readonly errorName: string = "AgentMaxStepsError";
}

/** `agent.interrupt()` was called; the run stopped at the end of a step. */
export class AgentInterruptedError extends AgentError {
  static override readonly errorName: string = "AgentInterruptedError";
}

/**
 * `run` was called on a session (or an agent's default session) that is already running a
 * task. Nothing of the running task is touched; wait for it, or run in another session
 * (`agent.session()`).
 */
export class AgentBusyError extends AgentError {
  static override readonly errorName: string = "AgentBusyError";
  constructor(
    message: string,
    /** The id of the busy session. */
    readonly sessionId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The final answer does not match the agent's `outputSchema`. Like a rejected final answer
 * check, it is the step's error: the model reads what is wrong and the run goes on.
 */
export class AgentOutputValidationError extends AgentError {
  static override readonly errorName: string = "AgentOutputValidationError";
  constructor(
    message: string,
    /** What the schema reported, one line per problem. */
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A human (or the run's `onApproval`) rejected a tool call that needed approval, or no one could
 * be asked. The call was not run; its observation tells the model why, and the run goes on.
 */
export class AgentToolRejectedError extends AgentToolCallError {
  static override readonly errorName: string = "AgentToolRejectedError";
  constructor(
    message: string,
    toolName: string,
    /** The id of the approval request that was rejected. */
    readonly approvalId: string,
    options?: { cause?: unknown },
  ) {
    super(message, toolName, options);
  }
}

/**
 * `session.approve(id)` or `session.reject(id)` named no approval the session is waiting for:
 * an unknown id, or one already approved, rejected or cancelled (the run ended meanwhile).
 */
export class ApprovalNotFoundError extends AgentError {
  static override readonly errorName: string = "ApprovalNotFoundError";
  constructor(
    message: string,
    /** The id that was given. */
    readonly approvalId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * `agent.session({ restore })` was given a snapshot it cannot read: of another version, or not
 * of the shape `session.toJSON()` writes. Nothing is restored.
 */
export class SessionSnapshotError extends SmolError {
  static override readonly errorName: string = "SessionSnapshotError";
}

/** A provider API answered with an error, or could not be reached. */
export class ModelApiError extends SmolError {
  static override readonly errorName: string = "ModelApiError";
  readonly statusCode: number | undefined;
  readonly isRetryable: boolean;
  /** Seconds the server asked us to wait (from `Retry-After`), when it said. */
  readonly retryAfterSeconds: number | undefined;
  readonly responseBody: unknown;

  constructor(
    message: string,
    options: {
      statusCode?: number;
      isRetryable?: boolean;
      retryAfterSeconds?: number;
      responseBody?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
    this.statusCode = options.statusCode;
    this.isRetryable = options.isRetryable ?? isRetryableStatus(options.statusCode);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.responseBody = options.responseBody;
  }
}

/** 408, 409, 429 and 5xx are worth another try; a network error (no status) is too. */
export function isRetryableStatus(statusCode: number | undefined): boolean {
  if (statusCode === undefined) return true;
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/** A model id, option or environment variable a model needs is missing or wrong. */
export class ModelConfigurationError extends SmolError {
  static override readonly errorName: string = "ModelConfigurationError";
}

/** A tool definition is invalid (bad name, unknown input type, missing description, …). */
export class ToolDefinitionError extends SmolError {
  static override readonly errorName: string = "ToolDefinitionError";
}

/** Infrastructure of an executor failed (sandbox crashed, could not start, protocol broken). */
export class ExecutorError extends SmolError {
  static override readonly errorName: string = "ExecutorError";
}

/** An optional package is needed for what was asked (`executorType: "docker"`, a model type, …). */
export class MissingPackageError extends SmolError {
  static override readonly errorName: string = "MissingPackageError";
  constructor(
    readonly packageName: string,
    purpose: string,
    options?: { cause?: unknown },
  ) {
    super(`${purpose} needs the package "${packageName}". Install it with: pnpm add ${packageName}`, options);
  }
}

/** An agent was built or run with options that cannot work (duplicate names, bad `maxSteps`, …). */
export class AgentConfigurationError extends SmolError {
  static override readonly errorName: string = "AgentConfigurationError";
}

/** A prompt template is unknown, missing, or uses a variable that was not given. */
export class PromptTemplateError extends SmolError {
  static override readonly errorName: string = "PromptTemplateError";
}
