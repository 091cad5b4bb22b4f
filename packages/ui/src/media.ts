/**
 * Images and audio that tools return (or that are the final answer), turned into `data:` URLs
 * the page can show inline: the page loads nothing from elsewhere.
 */
import type { ImagePart } from "@smol/core";
import { imagePartToUrl } from "@smol/core/provider-kit";

export interface MediaView {
  kind: "image" | "audio";
  mediaType: string;
  /** A `data:` URL, or an `https:` URL the page shows as a link (it never fetches it). */
  url: string;
}

/** Bigger media is replaced by a note: the page should stay light. */
export const maxInlineMediaBytes = 8 * 1024 * 1024;

const signatures: { mediaType: string; kind: MediaView["kind"]; bytes: number[]; offset?: number }[] = [
  { mediaType: "image/png", kind: "image", bytes: [0x89, 0x50, 0x4e, 0x47] },
  { mediaType: "image/jpeg", kind: "image", bytes: [0xff, 0xd8, 0xff] },
  { mediaType: "image/gif", kind: "image", bytes: [0x47, 0x49, 0x46, 0x38] },
  { mediaType: "image/webp", kind: "image", bytes: [0x57, 0x45, 0x42, 0x50], offset: 8 },
  { mediaType: "audio/wav", kind: "audio", bytes: [0x57, 0x41, 0x56, 0x45], offset: 8 },
  { mediaType: "audio/mpeg", kind: "audio", bytes: [0x49, 0x44, 0x33] },
  { mediaType: "audio/ogg", kind: "audio", bytes: [0x4f, 0x67, 0x67, 0x53] },
  { mediaType: "audio/flac", kind: "audio", bytes: [0x66, 0x4c, 0x61, 0x43] },
];

/** What bytes are, by their signature; undefined when neither a known image nor audio. */
export function sniffMedia(bytes: Uint8Array): Pick<MediaView, "kind" | "mediaType"> | undefined {
  for (const signature of signatures) {
    const offset = signature.offset ?? 0;
    if (signature.bytes.every((byte, index) => bytes[offset + index] === byte)) {
      return { kind: signature.kind, mediaType: signature.mediaType };
    }
  }
  return undefined;
}

function isImagePart(value: unknown): value is ImagePart {
  const part = value as ImagePart | null;
  return typeof part === "object" && part !== null && part.type === "image" && part.image !== undefined;
}

function fromBytes(bytes: Uint8Array, mediaType?: string): MediaView | undefined {
  const sniffed = sniffMedia(bytes);
  const kind = mediaType?.startsWith("audio/")
    ? "audio"
    : mediaType?.startsWith("image/")
      ? "image"
      : sniffed?.kind;
  if (!kind) return undefined;
  const type = mediaType ?? sniffed?.mediaType ?? `${kind}/octet-stream`;
  return { kind, mediaType: type, url: `data:${type};base64,${Buffer.from(bytes).toString("base64")}` };
}

function fromDataUrl(url: string): MediaView | undefined {
  const match = /^data:((image|audio)\/[\w.+-]+)[;,]/i.exec(url);
  if (!match) return undefined;
  return { kind: match[2]!.toLowerCase() as MediaView["kind"], mediaType: match[1]!.toLowerCase(), url };
}

/**
 * Media for a value an agent produced: an `ImagePart`, `{ type: "audio", audio, mediaType }`,
 * raw bytes with an image or audio signature, or a `data:image/…`/`data:audio/…` URL.
 * Anything else (text, numbers, objects) gives undefined.
 */
export function toMediaView(value: unknown): MediaView | undefined {
  if (value instanceof Uint8Array) return fromBytes(value);
  if (value instanceof ArrayBuffer) return fromBytes(new Uint8Array(value));
  if (typeof value === "string") return value.startsWith("data:") ? fromDataUrl(value) : undefined;
  if (isImagePart(value)) {
    if (typeof value.image === "string" && /^https?:/i.test(value.image)) {
      return { kind: "image", mediaType: value.mediaType ?? "image/*", url: value.image };
    }
    return fromDataUrl(imagePartToUrl(value));
  }
  const audio = value as { type?: unknown; audio?: unknown; data?: unknown; mediaType?: unknown } | null;
  if (typeof audio === "object" && audio !== null && audio.type === "audio") {
    const data = audio.audio ?? audio.data;
    const mediaType = typeof audio.mediaType === "string" ? audio.mediaType : undefined;
    if (data instanceof Uint8Array)
      return fromBytes(data, mediaType ?? sniffMedia(data)?.mediaType ?? "audio/wav");
    if (typeof data === "string") return fromDataUrl(data);
  }
  return undefined;
}

/** Keep the page light: media over the limit is dropped (the caller says so in text). */
export function isInlineable(media: MediaView): boolean {
  return !media.url.startsWith("data:") || media.url.length <= (maxInlineMediaBytes * 4) / 3 + 100;
}
