// Run by e2b-executor.test.ts in a separate Node process: starts an E2BExecutor on the fake E2B,
// prints its sandbox id, keeps the runtime busy, then ends the way argv[2] says, without
// calling cleanup().
import { E2BExecutor } from "../index.js";

const [how, apiUrl, sandboxUrl, apiKey] = process.argv.slice(2) as [string, string, string, string];
const executor = new E2BExecutor({ apiKey, sandboxOptions: { apiUrl, sandboxUrl }, timeoutSeconds: 120 });
await executor.start();
console.log(`sandbox ${executor.sandboxId}`);
void executor.run("while True:\n    pass");
if (how === "exit") setTimeout(() => process.exit(0), 300);
else setInterval(() => {}, 1000);
