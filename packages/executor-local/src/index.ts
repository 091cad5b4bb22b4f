export { HostPythonExecutor, type HostPythonExecutorOptions } from "./host/index.js";
export {
  LocalPythonExecutor,
  type LocalPythonExecutorOptions,
  RESIDENT_MEMORY_ALLOWANCE_MB,
} from "./local/index.js";
