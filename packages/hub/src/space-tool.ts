import { MissingPackageError, SmolError, Tool, type ToolCallOptions, type ToolInputs } from "@smol/core";

export interface SpaceToolOptions {
  /** The tool's name: a Python identifier. */
  name: string;
  /** What the tool does, for the model. */
  description: string;
  /** The Space's endpoint to call. Default: its first named endpoint (usually `/predict`). */
  apiName?: string;
  /** A Hub token, for private Spaces and ZeroGPU quotas; default `process.env.HF_TOKEN`. */
  token?: string;
}

/** What `Client.view_api()` describes of one parameter or return value. */
interface GradioValue {
  label?: string;
  parameter_name?: string | null;
  parameter_has_default?: boolean;
  component?: string;
  hidden?: boolean;
  type?: string | { type?: string };
  python_type?: { type?: string; description?: string };
}

interface GradioEndpoint {
  parameters: GradioValue[];
  returns: GradioValue[];
}

interface GradioClient {
  view_api(): Promise<{ named_endpoints: Record<string, GradioEndpoint> }>;
  predict(endpoint: string, data: Record<string, unknown>): Promise<{ data?: unknown } | undefined>;
  close(): void;
}

/** A tool that calls an endpoint of a Gradio app (a Space, or any Gradio server). */
class SpaceTool extends Tool {
  name: string;
  description: string;
  inputs: ToolInputs;
  outputType: string;

  constructor(
    options: SpaceToolOptions,
    readonly client: GradioClient,
    readonly apiName: string,
    endpoint: GradioEndpoint,
  ) {
    super();
    this.name = options.name;
    this.description = options.description;
    this.inputs = Object.fromEntries(
      endpoint.parameters
        .filter((parameter) => !parameter.hidden && parameter.parameter_name)
        .map((parameter) => [
          parameter.parameter_name!,
          {
            type: toolType(parameter),
            description: parameter.python_type?.description || parameter.label || parameter.parameter_name!,
            ...(parameter.parameter_has_default ? { nullable: true } : {}),
          },
        ]),
    ) as ToolInputs;
    this.outputType = endpoint.returns.length === 1 ? toolType(endpoint.returns[0]!) : "array";
    this.validate();
  }

  async forward(args: Record<string, unknown>, options: ToolCallOptions = {}): Promise<unknown> {
    options.signal?.throwIfAborted();
    const given = Object.fromEntries(
      Object.entries(args).filter(([, value]) => value !== undefined && value !== null),
    );
    const result = await this.client.predict(this.apiName, given);
    const data = Array.isArray(result?.data) ? result.data : [];
    return this.outputType === "array" ? data : data[0];
  }
}

/** Our type for a Gradio value: its JSON type when simple, its component for media, else `any`. */
function toolType(value: GradioValue): string {
  const component = value.component?.toLowerCase();
  if (component === "image") return "image";
  if (component === "audio") return "audio";
  const jsonType = typeof value.type === "string" ? value.type : value.type?.type;
  if (jsonType === "string" || jsonType === "boolean" || jsonType === "number" || jsonType === "integer")
    return jsonType;
  return "any";
}

/**
 * Makes a tool of a Gradio Space (or of any Gradio app, by its URL) through `@gradio/client`:
 * the inputs come from the endpoint's parameters, and a call runs `predict` on it.
 *
 * @example
 * const imageGenerationTool = await toolFromSpace("black-forest-labs/FLUX.1-schnell", {
 *   name: "image_generator",
 *   description: "Generate an image from a prompt",
 * });
 */
export async function toolFromSpace(spaceId: string, options: SpaceToolOptions): Promise<Tool> {
  let Client: { connect(reference: string, options?: Record<string, unknown>): Promise<GradioClient> };
  try {
    ({ Client } = (await import("@gradio/client")) as unknown as { Client: typeof Client });
  } catch (error) {
    throw new MissingPackageError("@gradio/client", "Tool.fromSpace", { cause: error });
  }
  const token = options.token ?? process.env.HF_TOKEN;
  let client: GradioClient;
  try {
    client = await Client.connect(spaceId, { events: ["data", "status"], ...(token ? { token } : {}) });
  } catch (error) {
    throw new SmolError(`Cannot reach the Gradio app ${spaceId}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const api = await client.view_api();
  const endpoints = Object.keys(api?.named_endpoints ?? {});
  const apiName = options.apiName ?? endpoints[0];
  const endpoint = apiName === undefined ? undefined : api.named_endpoints[apiName];
  if (!apiName || !endpoint) {
    client.close();
    throw new SmolError(
      `The Gradio app ${spaceId} has no endpoint ${apiName ?? ""}: its named endpoints are ${endpoints.join(", ") || "none"}.`,
    );
  }
  return new SpaceTool(options, client, apiName, endpoint);
}
