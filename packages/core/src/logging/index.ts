export {
  AgentLogger,
  type AgentLoggerOptions,
  formatStepFooter,
  LogLevel,
  type LogOutput,
  type StepFooterInfo,
} from "./agent-logger.js";
export { shouldUseColor } from "./color-support.js";
export {
  defaultDisplayLength,
  formatCount,
  formatObservationForDisplay,
  formatValueForDisplay,
  truncateForDisplay,
} from "./display-format.js";
export { Monitor, type MonitoredStep } from "./monitor.js";
export { displayWidth } from "./styled-text.js";
