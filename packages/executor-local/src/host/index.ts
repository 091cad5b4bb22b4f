export { HostPythonExecutor, type HostPythonExecutorOptions } from "./host-python-executor.js";
