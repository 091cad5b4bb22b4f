export {};
export * from "./fake-openai-server.js";
export { faultPicker } from "./fake-servers/faults.js";
export { seededRandom } from "./fake-servers/seeded-random.js";
