export * from "./steps.js";
