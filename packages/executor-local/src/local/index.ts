export { RESIDENT_MEMORY_ALLOWANCE_MB } from "./deno-sandbox-factory.js";
export { LocalPythonExecutor, type LocalPythonExecutorOptions } from "./local-python-executor.js";
