// A second process for session-snapshot.test.ts: it restores the snapshot in the file it is
// given into a new CodeAgent (the built packages, a fresh sandbox), runs one step that reads the
// restored Python variables, and prints what it found as one JSON line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const root = process.cwd();
const load = (path) => import(pathToFileURL(join(root, path)).href);
const { CodeAgent, LogLevel } = await load("packages/core/dist/index.js");
const { ScriptedModel } = await load("packages/core/dist/testing.js");
const { LocalPythonExecutor } = await load("packages/executor-local/dist/index.js");

const names = [
  "count",
  "ratio",
  "big",
  "name",
  "items",
  "point",
  "colours",
  "by_number",
  "raw",
  "day",
  "moment",
  "helper",
];
const code = `<code>
def show(name):
    if name not in globals():
        return "missing"
    value = globals()[name]
    kind = type(value).__name__
    if isinstance(value, set):
        return f"{kind} {sorted(value)!r}"
    if kind in ("date", "datetime"):
        return f"{kind} {value}"
    return f"{kind} {value!r}"
final_answer({name: show(name) for name in ${JSON.stringify(names)}})
</code>`;

const model = new ScriptedModel([code]);
const agent = new CodeAgent({
  tools: [],
  model,
  executor: new LocalPythonExecutor(),
  verbosityLevel: LogLevel.OFF,
});
try {
  const session = agent.session({
    restore: readFileSync(process.argv[2], "utf8"),
    executor: new LocalPythonExecutor(),
  });
  const answer = await session.run("Show the variables you have.", { reset: false });
  const seen = JSON.stringify(model.calls[0].messages);
  console.log(
    JSON.stringify({
      answer,
      earlierTaskSeen: seen.includes("Define some variables, then answer."),
      earlierCodeSeen: seen.includes("class Thing"),
    }),
  );
} finally {
  await agent.cleanup();
}
