/**
 * How the runtime gets into a container without a bind mount or a writable root filesystem:
 * the container runs `python3 -c BOOTSTRAP`, and the host first writes, on the container's
 * stdin, one line with the runtime's size in bytes, then the runtime's source. The bootstrap
 * reads exactly that many bytes with `os.read` (never past them, so the protocol lines that
 * follow stay unread for the runtime), loads the source as the module `smol_runtime` and calls
 * its `main()`, which then speaks the protocol over the same stdin/stdout.
 */
const bootstrapSource = `
import os, sys, types
header = b""
while not header.endswith(b"\\n"):
    byte = os.read(0, 1)
    if not byte or len(header) > 20:
        sys.exit("smol bootstrap: no runtime size on stdin")
    header += byte
remaining = int(header)
chunks = []
while remaining > 0:
    chunk = os.read(0, min(remaining, 1 << 16))
    if not chunk:
        sys.exit("smol bootstrap: stdin ended inside the runtime source")
    chunks.append(chunk)
    remaining -= len(chunk)
module = types.ModuleType("smol_runtime")
module.__file__ = "smol_runtime.py"
sys.modules["smol_runtime"] = module
exec(compile(b"".join(chunks), "smol_runtime.py", "exec"), module.__dict__)
module.main()
`.trim();

/**
 * The container's command. `-I` ignores PYTHON* variables and the user site directory, `-B`
 * writes no bytecode (the root filesystem is read-only anyway), `-u` leaves stdio unbuffered.
 */
export function bootstrapCommand(python = "python3"): string[] {
  return [python, "-I", "-B", "-u", "-c", bootstrapSource];
}

/** What the host writes first on the container's stdin. */
export function bootstrapPayload(runtimeSource: string): Buffer {
  const source = Buffer.from(runtimeSource, "utf8");
  return Buffer.concat([Buffer.from(`${source.length}\n`, "utf8"), source]);
}
