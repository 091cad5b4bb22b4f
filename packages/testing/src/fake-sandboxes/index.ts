export * from "./fake-blaxel.js";
export * from "./fake-e2b.js";
