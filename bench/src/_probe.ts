import { HostPythonExecutor, LocalPythonExecutor } from "@smol/executor-local";
const keepAlive = setInterval(() => {}, 60_000);
const code = "import time\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nout = []\nfor r in range(8):\n    t = time.perf_counter()\n    fib(25)\n    out.append(round((time.perf_counter() - t) * 1000, 1))\nout";
for (const executor of [new LocalPythonExecutor({ additionalAuthorizedImports: ["*"] }), new HostPythonExecutor({ suppressSandboxWarning: true, additionalAuthorizedImports: ["*"] })]) {
  for (let i = 0; i < 2; i++) console.log(executor.name, JSON.stringify((await executor.run(code)).output));
  await executor.cleanup();
}
clearInterval(keepAlive);
