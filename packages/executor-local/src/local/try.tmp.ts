import { LocalPythonExecutor } from "@smol/executor-local";
import { readdirSync, chmodSync, writeFileSync, cpSync, mkdirSync } from "node:fs";
const cacheDir = "/tmp/proto/damaged";
mkdirSync(cacheDir + "/snapshots", { recursive: true });
const [name] = readdirSync("/tmp/proto/cache1/snapshots");
writeFileSync(cacheDir + "/snapshots/" + name, "not a snapshot");
const t = performance.now();
const e = new LocalPythonExecutor({ cacheDir, additionalAuthorizedImports: ["os"] });
try { console.log(await e.run("import os\nos.path.exists('/smol/smol_runtime.py')"), performance.now() - t); } catch (err) { console.log("ERR", err, performance.now() - t); }
await e.cleanup();
