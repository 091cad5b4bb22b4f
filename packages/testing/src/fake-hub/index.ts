export * from "./fake-gradio-server.js";
export * from "./fake-hub-server.js";
