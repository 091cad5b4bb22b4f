export * from "./fake-hub-server.js";
export * from "./fake-gradio-server.js";
