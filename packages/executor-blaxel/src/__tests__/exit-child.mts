// Run by blaxel-executor.test.ts in a separate Node process (BL_API_URL points at the fake):
// starts a BlaxelExecutor, prints its sandbox name, keeps the runtime busy, then ends the way
// argv[2] says, without calling cleanup().
import { BlaxelExecutor } from "../index.js";

const [how, apiKey, workspace] = process.argv.slice(2) as [string, string, string];
const executor = new BlaxelExecutor({ apiKey, workspace, region: "us-pdx-1", timeoutSeconds: 120 });
await executor.start();
console.log(`sandbox ${executor.sandboxName}`);
void executor.run("while True:\n    pass");
if (how === "exit") setTimeout(() => process.exit(0), 300);
else setInterval(() => {}, 1000);
