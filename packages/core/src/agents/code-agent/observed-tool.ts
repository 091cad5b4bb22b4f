import { AgentToolRejectedError } from "../../errors.js";
import type { ToolCall } from "../../memory/steps.js";
import { Tool } from "../../tools/tool.js";
import type { ForwardArguments } from "../../tools/tool-arguments.js";
import type { DeclaredToolInputs, ToolCallOptions, ToolOutputType } from "../../tools/types.js";
import { type ApprovalDecision, rejectionMessage } from "../approvals.js";
import type { AgentDetailEvent } from "../events.js";

/** Whether a call from the code may run (see `needsApproval`); rejects when no decision can be had. */
export type CodeToolApproval = (
  tool: Tool,
  args: Record<string, unknown> | unknown[],
) => Promise<ApprovalDecision>;

/**
 * A tool as a CodeAgent hands it to its executor: the same name, inputs and output type, and
 * the same call, but each call the Python code makes is reported, before it starts
 * (`code-tool-call`) and as it ends (`code-tool-output`, with the output or the error the code
 * receives). Calls from code happen inside the executor, out of the step's sight: this is how
 * observers (tracing) see them. A call that needs approval waits here for the decision, off the
 * executor's clock (`pauseTimeout`); a rejected one raises in the code, with the reason.
 */
export class ObservedTool extends Tool {
  name: string;
  description: string;
  inputs: DeclaredToolInputs;
  outputType: ToolOutputType | (string & {});
  readonly #report: (event: AgentDetailEvent) => void | Promise<void>;
  readonly #approve: CodeToolApproval | undefined;
  #callCount = 0;

  constructor(
    readonly tool: Tool,
    report: (event: AgentDetailEvent) => void | Promise<void>,
    approve?: CodeToolApproval,
  ) {
    super();
    this.name = tool.name;
    this.description = tool.description;
    this.inputs = tool.inputs;
    this.outputType = tool.outputType;
    if (tool.outputSchema !== undefined) this.outputSchema = tool.outputSchema;
    this.#report = report;
    this.#approve = approve;
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
      if (this.#approve) {
        const deciding = this.#approve(this.tool, args);
        // The human's time is not the code's: the executor's time limit stands still meanwhile.
        const decision = await (options.pauseTimeout ? options.pauseTimeout(deciding) : deciding);
        if (!decision.approved) {
          throw new AgentToolRejectedError(
            rejectionMessage(this.name, decision.reason),
            this.name,
            decision.approvalId,
          );
        }
      }
      output = await this.tool.call(args, options);
    } catch (error) {
      void this.#report({ type: "code-tool-output", toolCall, error });
      throw error;
    }
    void this.#report({ type: "code-tool-output", toolCall, output });
    return output;
  }

  /** Not reached through `call`; kept so that the wrapper is a complete tool. */
  forward(args: ForwardArguments<this["inputs"]>, options?: ToolCallOptions): Promise<unknown> {
    return this.tool.call(args as Record<string, unknown>, options);
  }
}
