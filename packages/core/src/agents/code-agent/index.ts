export { CodeAgent, type CodeAgentOptions, type CodeAgentSessionOptions } from "./code-agent.js";
export { CODE_AGENT_PROMPT_TEMPLATES } from "./code-agent-prompt.js";
export {
  type CodeBlockTags,
  DEFAULT_CODE_BLOCK_TAGS,
  fixFinalAnswerCode,
  MARKDOWN_CODE_BLOCK_TAGS,
  parseCodeBlobs,
} from "./code-parsing.js";
