export { BlaxelExecutor, type BlaxelExecutorOptions, DEFAULT_BLAXEL_IMAGE } from "./blaxel-executor.js";
