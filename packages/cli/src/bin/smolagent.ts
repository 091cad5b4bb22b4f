#!/usr/bin/env node
import { smolagent } from "../smolagent.js";

// Some sandboxes do not hold the event loop open while their code runs: this timer does, so the
// command waits for its run instead of ending with the top-level await unsettled.
const keepAlive = setInterval(() => {}, 60_000);
try {
  process.exitCode = await smolagent(process.argv.slice(2));
} finally {
  clearInterval(keepAlive);
}
