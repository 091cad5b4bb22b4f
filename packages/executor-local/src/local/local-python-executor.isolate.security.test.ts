import { fileURLToPath } from "node:url";
import { describeSandboxSecurity } from "@smol/testing/security";
import { createExecutor } from "./security-suite-isolate-executor.js";

// Every attack of the suite again, from a session of the shared sandbox process.
describeSandboxSecurity("LocalPythonExecutor (isolation: isolate)", createExecutor, {
  isolatedExecutorModule: fileURLToPath(new URL("./security-suite-isolate-executor.ts", import.meta.url)),
});
