/** The sample rate Whisper listens at. */
export const WHISPER_SAMPLE_RATE = 16_000;

/** Decoded PCM audio: one array of samples in [-1, 1] per channel. */
export interface DecodedWav {
  sampleRate: number;
  channels: Float32Array[];
}

/** The audio could not be read: not a WAV file, or a WAV encoding we do not decode. */
export class AudioFormatError extends Error {
  override readonly name = "AudioFormatError";
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Decodes a RIFF/WAVE file: integer PCM (8, 16, 24 or 32 bits) and float (32 or 64 bits),
 * plain or `WAVE_FORMAT_EXTENSIBLE`. Other files get an `AudioFormatError` that names what they
 * look like (MP3, Ogg, FLAC, …) and how to convert them.
 *
 * @example
 * const { sampleRate, channels } = decodeWav(await readFile("speech.wav"));
 */
export function decodeWav(bytes: Uint8Array): DecodedWav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || ascii(bytes, 0, 4) !== "RIFF" || ascii(bytes, 8, 4) !== "WAVE") {
    const kind = sniffAudioKind(bytes);
    throw new AudioFormatError(
      `The audio is ${kind}, but this tool reads WAV files only. Convert it to WAV first, e.g. \`ffmpeg -i input -ar 16000 -ac 1 output.wav\`.`,
    );
  }
  let format:
    | { code: number; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number }
    | undefined;
  let data: Uint8Array | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength) {
    const id = ascii(bytes, offset, 4);
    const declaredSize = view.getUint32(offset + 4, true);
    const start = offset + 8;
    // Streamed recorders leave the size at 0 or 0xFFFFFFFF: take what is there.
    const size = Math.min(declaredSize, bytes.byteLength - start);
    if (id === "fmt ") {
      if (size < 16) throw new AudioFormatError("The WAV file has a broken format chunk.");
      let code = view.getUint16(start, true);
      if (code === EXTENSIBLE && size >= 26) code = view.getUint16(start + 24, true);
      format = {
        code,
        channels: view.getUint16(start + 2, true),
        sampleRate: view.getUint32(start + 4, true),
        blockAlign: view.getUint16(start + 12, true),
        bitsPerSample: view.getUint16(start + 14, true),
      };
    } else if (id === "data") {
      data = bytes.subarray(start, start + (declaredSize === 0 ? bytes.byteLength - start : size));
    }
    offset = start + size + (size % 2);
  }
  if (!format) throw new AudioFormatError("The WAV file has no format chunk.");
  if (!data) throw new AudioFormatError("The WAV file has no audio data.");
  if (format.channels < 1 || format.sampleRate < 1)
    throw new AudioFormatError("The WAV file declares no channel or no sample rate.");
  const read = sampleReader(format.code, format.bitsPerSample);
  const bytesPerSample = format.bitsPerSample / 8;
  const frameSize = Math.max(format.blockAlign, bytesPerSample * format.channels);
  const frames = Math.floor(data.byteLength / frameSize);
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const channels = Array.from({ length: format.channels }, () => new Float32Array(frames));
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < format.channels; channel++) {
      channels[channel]![frame] = read(dataView, frame * frameSize + channel * bytesPerSample);
    }
  }
  return { sampleRate: format.sampleRate, channels };
}

type SampleReader = (view: DataView, offset: number) => number;

function sampleReader(code: number, bits: number): SampleReader {
  if (code === PCM) {
    if (bits === 8) return (view, offset) => (view.getUint8(offset) - 128) / 128;
    if (bits === 16) return (view, offset) => view.getInt16(offset, true) / 32768;
    if (bits === 24) {
      return (view, offset) => {
        const value =
          view.getUint8(offset) | (view.getUint8(offset + 1) << 8) | (view.getInt8(offset + 2) << 16);
        return value / 8388608;
      };
    }
    if (bits === 32) return (view, offset) => view.getInt32(offset, true) / 2147483648;
  }
  if (code === IEEE_FLOAT) {
    if (bits === 32) return (view, offset) => view.getFloat32(offset, true);
    if (bits === 64) return (view, offset) => view.getFloat64(offset, true);
  }
  const encoding =
    code === PCM ? `${bits}-bit PCM` : code === IEEE_FLOAT ? `${bits}-bit float` : `encoding ${code}`;
  throw new AudioFormatError(
    `The WAV file uses ${encoding}, which this tool does not decode. Convert it to 16-bit PCM, e.g. \`ffmpeg -i input.wav -ar 16000 -ac 1 -c:a pcm_s16le output.wav\`.`,
  );
}

/** The channels averaged into one and resampled to `targetRate` (what Whisper wants: 16 kHz mono). */
export function toMono(decoded: DecodedWav, targetRate = WHISPER_SAMPLE_RATE): Float32Array {
  const [first, ...others] = decoded.channels;
  if (!first) return new Float32Array(0);
  const mono = new Float32Array(first.length);
  for (let index = 0; index < first.length; index++) {
    let sum = first[index]!;
    for (const channel of others) sum += channel[index]!;
    mono[index] = sum / decoded.channels.length;
  }
  return resample(mono, decoded.sampleRate, targetRate);
}

/**
 * Changes the sample rate. Going down, each output sample averages the input samples it covers
 * (a box filter, enough against aliasing for speech); going up, it interpolates linearly.
 */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  const ratio = fromRate / toRate;
  const length = Math.floor(samples.length / ratio);
  const output = new Float32Array(length);
  for (let index = 0; index < length; index++) {
    const position = index * ratio;
    if (ratio > 1) {
      const start = Math.floor(position);
      const end = Math.min(samples.length, Math.max(start + 1, Math.floor(position + ratio)));
      let sum = 0;
      for (let source = start; source < end; source++) sum += samples[source]!;
      output[index] = sum / (end - start);
    } else {
      const before = Math.floor(position);
      const after = Math.min(before + 1, samples.length - 1);
      const weight = position - before;
      output[index] = samples[before]! * (1 - weight) + samples[after]! * weight;
    }
  }
  return output;
}

/** What a file that is not WAV looks like, from its first bytes. */
export function sniffAudioKind(bytes: Uint8Array): string {
  const head = ascii(bytes, 0, 4);
  if (head.startsWith("ID3") || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return "MP3";
  if (head === "OggS") return "Ogg (Vorbis or Opus)";
  if (head === "fLaC") return "FLAC";
  if (ascii(bytes, 4, 4) === "ftyp") return "MP4/M4A";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3)
    return "WebM/Matroska";
  if (head === "FORM") return "AIFF";
  return "not a recognised audio file";
}

/** Encodes mono samples as a 16-bit PCM WAV file (for tests and for handing audio around). */
export function encodeWav(samples: Float32Array, sampleRate: number): Uint8Array {
  const bytes = new Uint8Array(44 + samples.length * 2);
  const view = new DataView(bytes.buffer);
  const writeAscii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) bytes[offset + index] = text.charCodeAt(index);
  };
  writeAscii(0, "RIFF");
  view.setUint32(4, 36 + samples.length * 2, true);
  writeAscii(8, "WAVE");
  writeAscii(12, "fmt ");
  view.setUint32(16, 16, true);
  view.setUint16(20, PCM, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  writeAscii(36, "data");
  view.setUint32(40, samples.length * 2, true);
  samples.forEach((sample, index) => {
    view.setInt16(44 + index * 2, Math.round(Math.max(-1, Math.min(1, sample)) * 32767), true);
  });
  return bytes;
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}
