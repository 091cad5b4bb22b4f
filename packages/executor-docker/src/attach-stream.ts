/**
 * Splits Docker's multiplexed attach stream (a container without a TTY): a sequence of frames,
 * each an 8-byte header (stream type: 1 stdout, 2 stderr; three zero bytes; the payload's
 * length as a big-endian uint32) followed by the payload. Frames may arrive split across
 * chunks or several in one chunk.
 *
 * @example
 * const demultiplexer = new AttachStreamDemultiplexer((out) => …, (err) => …);
 * socket.on("data", (chunk) => demultiplexer.push(chunk));
 */
export class AttachStreamDemultiplexer {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onStdout: (payload: Buffer) => void,
    private readonly onStderr: (payload: Buffer) => void,
  ) {}

  push(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + length) return;
      const payload = this.buffered.subarray(8, 8 + length);
      if (this.buffered[0] === 2) this.onStderr(payload);
      else this.onStdout(payload);
      this.buffered = this.buffered.subarray(8 + length);
    }
  }
}
