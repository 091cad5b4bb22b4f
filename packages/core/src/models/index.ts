export * from "./messages.js";
export type * from "./model.js";
