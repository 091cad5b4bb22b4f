export {
  type AgentObject,
  type AgentObjectOptions,
  type ApprovalDecisionInput,
  agentObject,
  type DurableRunInput,
  type DurableSessionState,
  type DurableSessionStatus,
  type PendingApproval,
  type StoredRunResult,
} from "./agent-object.js";
export {
  type DurableAgentClient,
  type DurableAgentClientOptions,
  type DurableRun,
  durableAgentClient,
} from "./client.js";
export { type JournalHooks, makeAgentDurable } from "./durable-agent.js";
export type { StoredEvent } from "./event-log.js";
export {
  findRestateServerBinary,
  freePorts,
  type LocalRestateServer,
  type LocalRestateServerOptions,
  QUIET_RESTATE_ENV,
  RestateServerError,
  startLocalRestateServer,
} from "./local-server.js";
export {
  type AgentWorker,
  type ListenOptions,
  type ServeAgentOptions,
  type ServeAgentsOptions,
  serveAgent,
  serveAgents,
} from "./serve-agent.js";
