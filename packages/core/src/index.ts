/**
 * @smol/core: agents that think in code. Each area has its own barrel so that the public
 * surface of one area can be read in one place.
 */

export * from "./agents/index.js";
export * from "./errors.js";
export * from "./executors/index.js";
export * from "./logging/index.js";
export * from "./memory/index.js";
export * from "./models/index.js";
export * from "./prompts/index.js";
export * from "./tools/index.js";
