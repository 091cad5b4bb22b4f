import type { ImagePart } from "./messages.js";

/** An image as providers take it: a URL they fetch themselves, or base64 bytes with their type. */
export type ResolvedImage =
  | { kind: "url"; url: string }
  | { kind: "base64"; base64: string; mediaType: string };

/**
 * Normalise an `ImagePart` (bytes, base64, `data:` URL or `http(s):` URL) for a provider.
 * The media type comes from the part, the data URL, or the image's first bytes.
 *
 * @example
 * resolveImage({ type: "image", image: pngBytes }); // { kind: "base64", base64: "iVBOR…", mediaType: "image/png" }
 */
export function resolveImage(part: ImagePart): ResolvedImage {
  const { image } = part;
  if (typeof image !== "string") {
    const base64 = Buffer.from(image).toString("base64");
    return { kind: "base64", base64, mediaType: part.mediaType ?? guessImageMediaType(image) };
  }
  if (/^https?:\/\//i.test(image)) return { kind: "url", url: image };
  const dataUrl = /^data:([^;,]+)?(;base64)?,(.*)$/s.exec(image);
  if (dataUrl) {
    const [, mediaType, isBase64, payload = ""] = dataUrl;
    const base64 = isBase64 ? payload : Buffer.from(decodeURIComponent(payload)).toString("base64");
    return { kind: "base64", base64, mediaType: part.mediaType ?? mediaType ?? "image/png" };
  }
  const base64 = image.replace(/\s+/g, "");
  return {
    kind: "base64",
    base64,
    mediaType: part.mediaType ?? guessImageMediaType(Buffer.from(base64.slice(0, 24), "base64")),
  };
}

/** A URL for APIs that take `image_url`: the original `http(s)` URL, or a `data:` URL. */
export function imagePartToUrl(part: ImagePart): string {
  const resolved = resolveImage(part);
  return resolved.kind === "url" ? resolved.url : `data:${resolved.mediaType};base64,${resolved.base64}`;
}

/** PNG, JPEG, GIF and WebP by their signatures; PNG when unknown (what most APIs assume). */
export function guessImageMediaType(bytes: Uint8Array): string {
  const startsWith = (signature: number[], offset = 0) =>
    signature.every((byte, index) => bytes[offset + index] === byte);
  if (startsWith([0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith([0x47, 0x49, 0x46, 0x38])) return "image/gif";
  if (startsWith([0x52, 0x49, 0x46, 0x46]) && startsWith([0x57, 0x45, 0x42, 0x50], 8)) return "image/webp";
  return "image/png";
}
