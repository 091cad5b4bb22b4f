// Run by docker-executor.test.ts in a separate Node process: starts a DockerExecutor, prints its
// container id, then ends the way argv[2] says, without calling cleanup().
import { DockerExecutor } from "../index.js";

const [how, host, image] = process.argv.slice(2) as [string, string, string];
const executor = new DockerExecutor({ host, image, timeoutSeconds: 120, additionalAuthorizedImports: ["time"] });
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
}
// "idle": return; the process ends when nothing else keeps it alive.
