// Run by docker-executor.test.ts in a separate Node process: starts a DockerExecutor, prints its
// container id, then ends the way argv[2] says, without calling cleanup().
import { tool } from "@smol/core";
import { DockerExecutor } from "../index.js";

const [how, host, image] = process.argv.slice(2) as [string, string, string];
// timeoutSeconds 0: no run timer, so only the executor's own connections keep the process alive.
const executor = new DockerExecutor({ host, image, timeoutSeconds: how === "awaits" ? 0 : 120 });
await executor.start();
console.log(`container ${executor.containerId}`);
if (how === "busy") {
  // Keep the runtime busy so that only the host's hooks (not the end of stdin) can remove it.
  void executor.run("while True:\n    pass");
  setInterval(() => {}, 1000);
} else if (how === "exit") {
  // Busy too, then a plain process.exit: only the synchronous exit hook can remove it.
  void executor.run("while True:\n    pass");
  setTimeout(() => process.exit(0), 500);
} else if (how === "awaits") {
  // Every request awaited at the top level must complete: the process may not end while the
  // host waits for the container's answer, even with nothing else to keep it alive.
  const slowEcho = tool(
    {
      name: "slow_echo",
      description: "Echoes.",
      inputs: { text: { type: "string", description: "Text." } },
      outputType: "string",
    },
    async ({ text }) => text,
  );
  await executor.sendTools([slowEcho]);
  await executor.sendVariables({ base: 40 });
  const result = await executor.run("import time\ntime.sleep(1)\nprint(slow_echo('ping'))\nbase + 2");
  console.log(`result ${JSON.stringify(result)}`);
}
// "idle" and "awaits": return; the process ends when nothing else keeps it alive.
