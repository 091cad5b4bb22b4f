export { type Attack, type AttackExecutor, type AttackTargets, sandboxAttacks } from "./attacks.js";
export {
  describeSandboxSecurity,
  type SandboxExecutorFactory,
  type SandboxSecurityExecutorOptions,
  type SandboxSecurityOptions,
} from "./sandbox-security.js";
