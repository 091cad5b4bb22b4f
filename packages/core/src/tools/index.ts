export { FinalAnswerTool } from "./final-answer-tool.js";
export {
  FunctionTool,
  type ToolArguments,
  type ToolDefinition,
  type ToolFunction,
  tool,
} from "./function-tool.js";
export { isZodObject, normalizeInputs } from "./input-schema.js";
export { toolJsonSchema } from "./json-schema.js";
export { isValidIdentifier, PYTHON_KEYWORDS, RESERVED_TOOL_NAMES } from "./python-names.js";
export { Tool } from "./tool.js";
export { toolCallingPrompt, toolCodePrompt } from "./tool-prompts.js";
export {
  type ArgumentValidationResult,
  type DeclaredToolInput,
  type DeclaredToolInputs,
  type JsonSchema,
  TOOL_TYPES,
  type ToolCallOptions,
  type ToolDescription,
  type ToolDict,
  type ToolInput,
  type ToolInputs,
  type ToolInputType,
  type ToolOutputType,
} from "./types.js";
export { bindArguments, signatureOf, validateToolArguments } from "./validate-arguments.js";
export { validateToolDefinition } from "./validate-definition.js";
