import { AgentToolCallError } from "../errors.js";
import type { ToolSpec } from "../models/model.js";
import { normalizeInputs, parameterOrder } from "./input-schema.js";
import { toolJsonSchema } from "./json-schema.js";
import type { ForwardArguments } from "./tool-arguments.js";
import { toolCallingPrompt, toolCodePrompt } from "./tool-prompts.js";
import type {
  ArgumentValidationResult,
  DeclaredToolInputs,
  JsonSchema,
  NeedsApproval,
  ToolCallOptions,
  ToolDict,
  ToolInputs,
  ToolOutputType,
} from "./types.js";
import { bindArguments, validateToolArguments } from "./validate-arguments.js";
import { validateToolDefinition } from "./validate-definition.js";

/**
 * A capability an agent can call: a name, a description the model reads, typed inputs, an
 * output type and a `forward` method that does the work.
 *
 * Subclass it when the tool holds state or needs a costly `setup()`; use `tool()` for a plain
 * function. Plain field initializers are enough — the values are checked by `validate()`,
 * which agents run when they are built (field initializers of a subclass run after this base
 * constructor, so the check cannot happen here). `outputSchema` and `setup` are optional: with
 * `noImplicitOverride`, a subclass that defines them writes `override`.
 *
 * @example
 * class ModelDownloadTool extends Tool {
 *   name = "model_download_tool";
 *   description = "Returns the most downloaded model of a given task on the Hub.";
 *   inputs = { task: { type: "string", description: "The task." } };
 *   outputType = "string";
 *   async forward({ task }: { task: string }) {
 *     return `most-downloaded/${task}`;
 *   }
 * }
 * await new ModelDownloadTool().call({ task: "text-classification" });
 */
export abstract class Tool {
  /** A Python identifier: the function name the model calls. */
  abstract name: string;
  /** What the tool does, for the model. */
  abstract description: string;
  /** The arguments: the smolagents dict form or a zod object. */
  abstract inputs: DeclaredToolInputs;
  /** One of `ToolOutputType` (checked at runtime, so a widened `string` is accepted). */
  abstract outputType: ToolOutputType | (string & {});
  /**
   * JSON schema of a structured (dict) output; the code prompt shows its keys to the model.
   * (Declared without being emitted, so a subclass field initializer is the only value.)
   */
  declare outputSchema?: JsonSchema | undefined;
  /**
   * Whether a call must be approved before it runs (see `NeedsApproval`): `true`, or a function
   * of the arguments and the run's context. Unset: calls run without asking. Agents ask; a
   * direct `call()` does not.
   */
  declare needsApproval?: NeedsApproval<ForwardArguments<this["inputs"]>> | undefined;

  /**
   * Does the work. Receives validated keyword arguments, typed from `inputs` when TypeScript
   * knows them (see `ForwardArguments`).
   */
  abstract forward(
    args: ForwardArguments<this["inputs"]>,
    options?: ToolCallOptions,
  ): unknown | Promise<unknown>;

  /** Optional: runs once, lazily, before the first call (load a model, open a client, …). */
  setup?(): void | Promise<void>;

  #validated = false;
  #setupPromise: Promise<void> | undefined;
  #setupDone = false;

  /** Whether `setup()` has completed (always true for tools without one, after the first call). */
  get isInitialized(): boolean {
    return this.#setupDone;
  }

  /** The inputs in the dict form; a zod object is converted through its JSON schema. */
  get inputSchema(): ToolInputs {
    return normalizeInputs(this.inputs);
  }

  /**
   * The argument names in positional order: required arguments first, then the nullable ones
   * (the order of the Python stub the model sees).
   */
  get parameterNames(): string[] {
    return parameterOrder(this.inputSchema);
  }

  /** Checks the definition; throws `ToolDefinitionError` listing every problem found. */
  validate(): void {
    validateToolDefinition(this);
    this.#validated = true;
  }

  /**
   * Checks keyword arguments against the inputs. Never throws: the error text is written for
   * the model and ends with the expected signature.
   */
  validateArguments(args: unknown): ArgumentValidationResult {
    return validateToolArguments(this, args);
  }

  /**
   * Validates the arguments, runs `setup()` once if needed, then `forward`.
   *
   * An array is taken as positional arguments (see `parameterNames`); an array holding one
   * object whose keys are all argument names is taken as keyword arguments, like an object.
   * Invalid arguments throw `AgentToolCallError`; errors from `forward` propagate unchanged.
   */
  async call(args: Record<string, unknown> | unknown[], options: ToolCallOptions = {}): Promise<unknown> {
    if (!this.#validated) this.validate();
    options.signal?.throwIfAborted();
    const keywordArguments = Array.isArray(args)
      ? bindArguments(this, args)
      : { ok: true as const, value: args };
    const validation = keywordArguments.ok
      ? this.validateArguments(keywordArguments.value)
      : keywordArguments;
    if (!validation.ok) throw new AgentToolCallError(validation.error, this.name);
    await this.#ensureSetup();
    options.signal?.throwIfAborted();
    // `this["inputs"]` is only known in a subclass: here the validated arguments are what it takes.
    return await this.forward(validation.value as ForwardArguments<this["inputs"]>, options);
  }

  /** The spec for native tool-calling APIs: a JSON schema of the arguments object. */
  toJsonSchema(): ToolSpec {
    return toolJsonSchema(this);
  }

  /** The Python function stub (signature and docstring) shown to a CodeAgent's model. */
  toCodePrompt(): string {
    return toolCodePrompt(this);
  }

  /** A short listing (name, description, inputs, output type) for tool-calling prompts. */
  toToolCallingPrompt(): string {
    return toolCallingPrompt(this);
  }

  /** A JSON-able description of the tool, without its code. */
  toDict(): ToolDict {
    const dict: ToolDict = {
      name: this.name,
      description: this.description,
      inputs: this.inputSchema,
      outputType: this.outputType,
    };
    if (this.outputSchema !== undefined) dict.outputSchema = this.outputSchema;
    return dict;
  }

  async #ensureSetup(): Promise<void> {
    if (this.#setupDone) return;
    if (!this.setup) {
      this.#setupDone = true;
      return;
    }
    // Concurrent first calls share one setup; a failed setup is retried by the next call.
    this.#setupPromise ??= Promise.resolve(this.setup()).then(
      () => {
        this.#setupDone = true;
      },
      (error: unknown) => {
        this.#setupPromise = undefined;
        throw error;
      },
    );
    await this.#setupPromise;
  }
}
