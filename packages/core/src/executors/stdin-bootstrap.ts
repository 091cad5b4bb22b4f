/**
 * How the runtime enters a sandbox through the process's own stdin, with no file upload and no
 * bind mount (so it works with a read-only root filesystem and in remote sandboxes): the process
 * runs `python3 -c <bootstrap>`; the host first writes one line with the runtime's size in bytes,
 * then the runtime's source. The bootstrap reads exactly that many bytes with `os.read` (never
 * more, so the protocol lines that follow stay for the runtime), loads them as the module
 * `smol_runtime` and calls its `main()`, which speaks the protocol over the same stdin/stdout.
 */
export const STDIN_BOOTSTRAP_SOURCE = `
import os, sys, types
header = b""
while not header.endswith(b"\\n"):
    byte = os.read(0, 1)
    if not byte or len(header) > 20:
        sys.exit("smol bootstrap: the runtime's size never arrived on stdin")
    header += byte
remaining = int(header)
chunks = []
while remaining > 0:
    chunk = os.read(0, min(remaining, 1 << 16))
    if not chunk:
        sys.exit("smol bootstrap: stdin ended inside the runtime's source")
    chunks.append(chunk)
    remaining -= len(chunk)
module = types.ModuleType("smol_runtime")
module.__file__ = "smol_runtime.py"
sys.modules["smol_runtime"] = module
exec(compile(b"".join(chunks), "smol_runtime.py", "exec"), module.__dict__)
module.main()
`.trim();

/**
 * The bootstrap as an argument vector. `-I` ignores PYTHON* variables and the user site, `-B`
 * writes no bytecode, `-u` leaves stdio unbuffered.
 */
export function stdinBootstrapCommand(python = "python3"): string[] {
  return [python, "-I", "-B", "-u", "-c", STDIN_BOOTSTRAP_SOURCE];
}

/** The bootstrap as one shell command line; `exec` lets a signal reach python. */
export function stdinBootstrapShellCommand(python = "python3"): string {
  return `exec ${stdinBootstrapCommand(python).map(shellQuote).join(" ")}`;
}

/** What the host writes first on the process's stdin: the runtime's size, then its source. */
export function stdinBootstrapPayload(runtimeSource: string): Uint8Array {
  const source = new TextEncoder().encode(runtimeSource);
  const header = new TextEncoder().encode(`${source.length}\n`);
  const payload = new Uint8Array(header.length + source.length);
  payload.set(header, 0);
  payload.set(source, header.length);
  return payload;
}

function shellQuote(text: string): string {
  return /^[\w./-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}
