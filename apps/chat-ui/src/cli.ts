import { main } from "./main.js";

const app = await main(process.argv.slice(2));
// Ctrl+C stops the page, the agent's sandbox and the fake server.
process.once("SIGINT", () => {
  void app.close().then(() => process.exit(0));
});
