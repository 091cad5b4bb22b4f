import { describe, expect, it } from "vitest";
import { AudioFormatError, decodeWav, encodeWav, resample, sniffAudioKind, toMono } from "./wav.js";

/** A WAV file built by hand: `write` fills each sample's bytes. */
function wavFile(options: {
  format: number;
  channels: number;
  sampleRate: number;
  bits: number;
  frames: number;
  write: (view: DataView, offset: number, frame: number, channel: number) => void;
  extensible?: boolean;
  extraChunk?: boolean;
}): Uint8Array {
  const bytesPerSample = options.bits / 8;
  const dataSize = options.frames * options.channels * bytesPerSample;
  const fmtSize = options.extensible ? 40 : 16;
  const extra = options.extraChunk ? 8 + 5 + 1 : 0; // a LIST chunk with an odd size and its pad byte
  const bytes = new Uint8Array(12 + 8 + fmtSize + extra + 8 + dataSize);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, value: string) => {
    for (const [index, character] of [...value].entries())
      view.setUint8(offset + index, character.charCodeAt(0));
  };
  text(0, "RIFF");
  view.setUint32(4, bytes.length - 8, true);
  text(8, "WAVE");
  text(12, "fmt ");
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, options.extensible ? 0xfffe : options.format, true);
  view.setUint16(22, options.channels, true);
  view.setUint32(24, options.sampleRate, true);
  view.setUint32(28, options.sampleRate * options.channels * bytesPerSample, true);
  view.setUint16(32, options.channels * bytesPerSample, true);
  view.setUint16(34, options.bits, true);
  if (options.extensible) {
    view.setUint16(36, 22, true);
    view.setUint16(38, options.bits, true);
    view.setUint32(40, 3, true);
    view.setUint16(44, options.format, true); // the sub-format GUID starts with the format code
  }
  let offset = 20 + fmtSize;
  if (options.extraChunk) {
    text(offset, "LIST");
    view.setUint32(offset + 4, 5, true);
    offset += 8 + 5 + 1;
  }
  text(offset, "data");
  view.setUint32(offset + 4, dataSize, true);
  offset += 8;
  for (let frame = 0; frame < options.frames; frame++) {
    for (let channel = 0; channel < options.channels; channel++) {
      options.write(view, offset, frame, channel);
      offset += bytesPerSample;
    }
  }
  return bytes;
}

describe("decodeWav", () => {
  it("reads back what encodeWav wrote", () => {
    const samples = Float32Array.from([0, 0.5, -0.5, 1, -1]);
    const decoded = decodeWav(encodeWav(samples, 16_000));
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.channels).toHaveLength(1);
    expect([...decoded.channels[0]!].map((value) => Math.round(value * 1000) / 1000)).toEqual([
      0, 0.5, -0.5, 1, -1,
    ]);
  });

  it("decodes 8-bit, 24-bit and float samples, in several channels", () => {
    const eight = decodeWav(
      wavFile({
        format: 1,
        channels: 1,
        sampleRate: 8000,
        bits: 8,
        frames: 2,
        write: (v, o, f) => v.setUint8(o, f === 0 ? 0 : 192),
      }),
    );
    expect([...eight.channels[0]!]).toEqual([-1, 0.5]);

    const twentyFour = decodeWav(
      wavFile({
        format: 1,
        channels: 2,
        sampleRate: 44_100,
        bits: 24,
        frames: 1,
        write: (v, o, _f, channel) => {
          const value = channel === 0 ? 0x400000 : -0x400000; // +0.5 and -0.5
          v.setUint8(o, value & 0xff);
          v.setUint8(o + 1, (value >> 8) & 0xff);
          v.setUint8(o + 2, (value >> 16) & 0xff);
        },
      }),
    );
    expect(twentyFour.channels.map((channel) => channel[0])).toEqual([0.5, -0.5]);

    const float = decodeWav(
      wavFile({
        format: 3,
        channels: 1,
        sampleRate: 22_050,
        bits: 32,
        frames: 1,
        extensible: true,
        extraChunk: true,
        write: (v, o) => v.setFloat32(o, 0.25, true),
      }),
    );
    expect(float.sampleRate).toBe(22_050);
    expect([...float.channels[0]!]).toEqual([0.25]);
  });

  it("says what a file that is not WAV is, and how to convert it", () => {
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeWav(mp3)).toThrow(AudioFormatError);
    expect(() => decodeWav(mp3)).toThrow(
      "The audio is MP3, but this tool reads WAV files only. Convert it to WAV first, e.g. `ffmpeg",
    );
    expect(sniffAudioKind(new TextEncoder().encode("OggS...."))).toBe("Ogg (Vorbis or Opus)");
    expect(sniffAudioKind(new TextEncoder().encode("fLaC...."))).toBe("FLAC");
    expect(sniffAudioKind(new TextEncoder().encode("....ftypM4A "))).toBe("MP4/M4A");
  });

  it("refuses an encoding it does not decode, naming it", () => {
    const aLaw = wavFile({ format: 6, channels: 1, sampleRate: 8000, bits: 8, frames: 1, write: () => {} });
    expect(() => decodeWav(aLaw)).toThrow("The WAV file uses encoding 6, which this tool does not decode.");
  });
});

describe("toMono and resample", () => {
  it("averages the channels", () => {
    expect([
      ...toMono({ sampleRate: 16_000, channels: [Float32Array.from([1, 0]), Float32Array.from([0, 0])] }),
    ]).toEqual([0.5, 0]);
  });

  it("resamples to 16 kHz keeping the pitch", () => {
    const rate = 48_000;
    const tone = Float32Array.from({ length: rate }, (_, index) =>
      Math.sin((2 * Math.PI * 440 * index) / rate),
    );
    const output = resample(tone, rate, 16_000);
    expect(output.length).toBe(16_000);
    let crossings = 0;
    for (let index = 1; index < output.length; index++)
      if (output[index - 1]! < 0 !== output[index]! < 0) crossings++;
    expect(Math.abs(crossings - 880)).toBeLessThanOrEqual(2); // a 440 Hz tone crosses zero 880 times a second
  });

  it("upsamples by interpolating", () => {
    expect([...resample(Float32Array.from([0, 1]), 8000, 16_000)]).toEqual([0, 0.5, 1, 1]);
  });
});
