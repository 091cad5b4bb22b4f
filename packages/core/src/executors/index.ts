export type * from "./python-executor.js";
export type * from "./transport.js";
