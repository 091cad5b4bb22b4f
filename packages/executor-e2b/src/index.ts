export { DEFAULT_E2B_TEMPLATE, E2BExecutor, type E2BExecutorOptions } from "./e2b-executor.js";
