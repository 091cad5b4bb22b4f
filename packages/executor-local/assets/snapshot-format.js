// smol's on-disk form of a Pyodide memory snapshot, and the restore that reads it straight into
// the interpreter's WebAssembly memory.
//
// Why not Pyodide's own bytes: its snapshot is the whole linear memory (~30 MB, half of it zero
// pages), which `_loadSnapshot` wants as one buffer that it then copies into a memory of the same
// size. Every page of both gets touched, and on a VM first-touch page faults dominate start-up
// (about 15 µs per 4 KiB page measured on our CI machines). Here only the non-zero pages are
// stored, and they are read from the file directly into place: a fresh WebAssembly memory is
// already zero, so the zero pages are never touched at all.
//
// Layout (little-endian u32s):
//   magic "SMS1" | prefixLength | memoryLength | runCount
//   prefix: Pyodide's snapshot header (magic, build id, JSON), everything before its heap
//   runCount × (offset, length): the non-zero stretches of the heap, page-aligned, ascending
//   the bytes of each stretch, one after the other
//
// Plain JavaScript on purpose: Deno runs it as is, in the sandbox and in the snapshot build.

const MAGIC = 0x31534d53; // "SMS1"
const FIXED_HEADER_BYTES = 16;
const PAGE_BYTES = 4096;

/**
 * Splits Pyodide's snapshot into smol's sparse form. Returns the chunks to write, in order;
 * the heap stretches are views into `snapshot`, not copies.
 */
export function encodeSparseSnapshot(snapshot) {
  const words = new Uint32Array(snapshot.buffer, snapshot.byteOffset, 2);
  const heapOffset = words[1];
  const heap = snapshot.subarray(heapOffset);
  const runs = nonZeroRuns(heap);
  const header = new Uint8Array(FIXED_HEADER_BYTES + heapOffset + runs.length * 8);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, heapOffset, true);
  view.setUint32(8, snapshot.length, true);
  view.setUint32(12, runs.length, true);
  header.set(snapshot.subarray(0, heapOffset), FIXED_HEADER_BYTES);
  runs.forEach(([offset, length], index) => {
    view.setUint32(FIXED_HEADER_BYTES + heapOffset + index * 8, offset, true);
    view.setUint32(FIXED_HEADER_BYTES + heapOffset + index * 8 + 4, length, true);
  });
  return [header, ...runs.map(([offset, length]) => heap.subarray(offset, offset + length))];
}

/** [offset, length] of each maximal stretch of pages holding at least one non-zero byte. */
function nonZeroRuns(heap) {
  const runs = [];
  let runStart = -1;
  for (let page = 0; page < heap.length; page += PAGE_BYTES) {
    const zero = isZero(heap, page, Math.min(page + PAGE_BYTES, heap.length));
    if (!zero && runStart < 0) runStart = page;
    if (zero && runStart >= 0) {
      runs.push([runStart, page - runStart]);
      runStart = -1;
    }
  }
  if (runStart >= 0) runs.push([runStart, heap.length - runStart]);
  return runs;
}

function isZero(bytes, start, end) {
  for (let index = start; index < end; index++) if (bytes[index] !== 0) return false;
  return true;
}

/**
 * Opens a sparse snapshot and reads its header. The returned object is what `loadInterpreter`
 * takes as `snapshot`; the heap bytes stay in the file until `restoreInto` reads them.
 * @throws Error when the file is not in this format or is cut short.
 */
export function openSparseSnapshot(path) {
  const file = Deno.openSync(path);
  let open = true;
  const close = () => {
    if (open) file.close();
    open = false;
  };
  try {
    const fixed = readExactly(file, new Uint8Array(FIXED_HEADER_BYTES), path);
    const view = new DataView(fixed.buffer);
    if (view.getUint32(0, true) !== MAGIC) throw new Error(`${path} is not a smol snapshot`);
    const prefix = readExactly(file, new Uint8Array(view.getUint32(4, true)), path);
    const memoryLength = view.getUint32(8, true);
    const runTable = new DataView(
      readExactly(file, new Uint8Array(view.getUint32(12, true) * 8), path).buffer,
    );
    const runs = [];
    for (let index = 0; index < runTable.byteLength; index += 8) {
      runs.push([runTable.getUint32(index, true), runTable.getUint32(index + 4, true)]);
    }
    return {
      memoryLength,
      // Pyodide's header with an empty heap: its own check of the magic number and build id
      // still runs on it, and its copy of the heap then copies nothing.
      pyodideHeader: prefix,
      restoreInto(memory) {
        try {
          for (const [offset, length] of runs) {
            if (offset + length > memory.length)
              throw new Error(`${path} holds more memory (${offset + length} bytes) than was allocated`);
            readExactly(file, memory.subarray(offset, offset + length), path);
          }
        } finally {
          close();
        }
      },
      close,
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** Fills `target` from the file's current position, looping over short reads. */
function readExactly(file, target, path) {
  let offset = 0;
  while (offset < target.length) {
    const count = file.readSync(target.subarray(offset));
    if (count === null || count === 0) throw new Error(`${path} ended early`);
    offset += count;
  }
  return target;
}
