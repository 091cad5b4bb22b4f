export * from "./fake-e2b.js";
export * from "./fake-blaxel.js";
