/**
 * How the runtime enters a sandbox through the process's own stdin, with no file upload: the
 * process runs `python3 -c BOOTSTRAP`; the host writes one line with the runtime's size in
 * bytes, then the runtime's source. The bootstrap reads exactly that many bytes with `os.read`
 * (never more, so the protocol lines that follow stay for the runtime), loads them as the module
 * `smol_runtime` and calls its `main()`, which speaks the protocol over the same stdin/stdout.
 */
const bootstrapSource = `
import os, sys, types
size = b""
while not size.endswith(b"\\n"):
    byte = os.read(0, 1)
    if not byte or len(size) > 20:
        sys.exit("smol bootstrap: the runtime's size never arrived on stdin")
    size += byte
left = int(size)
parts = []
while left > 0:
    part = os.read(0, min(left, 65536))
    if not part:
        sys.exit("smol bootstrap: stdin ended inside the runtime's source")
    parts.append(part)
    left -= len(part)
runtime = types.ModuleType("smol_runtime")
runtime.__file__ = "smol_runtime.py"
sys.modules["smol_runtime"] = runtime
exec(compile(b"".join(parts), "smol_runtime.py", "exec"), runtime.__dict__)
runtime.main()
`.trim();

/**
 * The shell command that starts the runtime. `-I` ignores PYTHON* variables and the user site,
 * `-B` writes no bytecode, `-u` leaves stdio unbuffered; `exec` lets a signal reach python.
 */
export function bootstrapShellCommand(python = "python3"): string {
  return `exec ${python} -I -B -u -c ${shellQuote(bootstrapSource)}`;
}

/** What the host writes first on the process's stdin. */
export function bootstrapPayload(runtimeSource: string): Uint8Array {
  const source = Buffer.from(runtimeSource, "utf8");
  return Buffer.concat([Buffer.from(`${source.length}\n`, "utf8"), source]);
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
