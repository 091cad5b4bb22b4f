// Run by remove-on-exit.test.ts in a separate Node process. Owns two sandboxes whose removal
// goes to the test's server (argv[3]), releases one, then ends the way argv[2] says.
import { removeOnProcessExit } from "../remove-on-exit.js";

const [how, serverUrl] = process.argv.slice(2) as [string, string];
const removedAsynchronously = (id: string) => async () => {
  await fetch(`${serverUrl}/async/${id}`, { method: "DELETE" });
};
for (const id of ["kept", "released"]) {
  const forget = removeOnProcessExit({
    remove: removedAsynchronously(id),
    removalRequest: {
      method: "DELETE",
      url: `${serverUrl}/sync/${id}`,
      headers: { "x-api-key": "secret-key" },
    },
  });
  if (id === "released") forget();
}
if (how === "handles-sigterm") process.on("SIGTERM", () => console.log("application handled SIGTERM"));
console.log("ready");
if (how === "exit") setTimeout(() => process.exit(0), 50);
else setInterval(() => {}, 1000);
