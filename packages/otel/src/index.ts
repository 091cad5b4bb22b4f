/**
 * @smol/otel: OpenTelemetry traces of smol agents, by the GenAI semantic conventions, built
 * from the events the agents publish (`agent.onEvent`).
 */
export { ATTR } from "./attributes.js";
export {
  type AgentInstrumentation,
  type InstrumentAgentOptions,
  instrumentAgent,
  TRACER_NAME,
} from "./instrument-agent.js";
