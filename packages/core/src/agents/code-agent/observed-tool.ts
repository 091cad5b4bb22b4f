import type { ToolCall } from "../../memory/steps.js";
import { Tool } from "../../tools/tool.js";
import type { DeclaredToolInputs, ToolCallOptions, ToolOutputType } from "../../tools/types.js";
import type { AgentDetailEvent } from "../events.js";

/**
 * A tool as a CodeAgent hands it to its executor: the same name, inputs and output type, and
 * the same call, but each call the Python code makes is reported, before it starts
 * (`code-tool-call`) and as it ends (`code-tool-output`, with the output or the error the code
 * receives). Calls from code happen inside the executor, out of the step's sight: this is how
 * observers (tracing) see them.
 */
export class ObservedTool extends Tool {
  name: string;
  description: string;
  inputs: DeclaredToolInputs;
  outputType: ToolOutputType | (string & {});
  readonly #report: (event: AgentDetailEvent) => void | Promise<void>;
  #callCount = 0;

  constructor(
    readonly tool: Tool,
    report: (event: AgentDetailEvent) => void | Promise<void>,
  ) {
    super();
    this.name = tool.name;
    this.description = tool.description;
    this.inputs = tool.inputs;
    this.outputType = tool.outputType;
    if (tool.outputSchema !== undefined) this.outputSchema = tool.outputSchema;
    this.#report = report;
  }

  /** The wrapped tool's call (its validation, setup and errors), reported before and after. */
  override async call(
    args: Record<string, unknown> | unknown[],
    options: ToolCallOptions = {},
  ): Promise<unknown> {
    this.#callCount += 1;
    const toolCall: ToolCall = {
      id: `code_${this.name}_${this.#callCount}`,
      name: this.name,
      arguments: args,
    };
    // Waits until observers have seen the call: what the tool does (a managed agent's run) comes after.
    await this.#report({ type: "code-tool-call", toolCall });
    let output: unknown;
    try {
      output = await this.tool.call(args, options);
    } catch (error) {
      void this.#report({ type: "code-tool-output", toolCall, error });
      throw error;
    }
    void this.#report({ type: "code-tool-output", toolCall, output });
    return output;
  }

  /** Not reached through `call`; kept so that the wrapper is a complete tool. */
  forward(args: Record<string, unknown>, options?: ToolCallOptions): Promise<unknown> {
    return this.tool.call(args, options);
  }
}
