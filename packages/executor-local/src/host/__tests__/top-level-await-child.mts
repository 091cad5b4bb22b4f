// A user script whose only pending work is a run in the executor: the host must not exit under it.
import { HostPythonExecutor } from "@smol/executor-local";

const executor = new HostPythonExecutor({ timeoutSeconds: 0, suppressSandboxWarning: true });
const result = await executor.run("import time\ntime.sleep(0.5)\n6 * 7");
console.log(`result ${String(result.output)}`);
await executor.cleanup();
