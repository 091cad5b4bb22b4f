import { describe, expect, it } from "vitest";
import { guessImageMediaType, imagePartToUrl, resolveImage } from "./images.js";

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

describe("images", () => {
  it("turns bytes into base64 with a guessed media type", () => {
    expect(resolveImage({ type: "image", image: jpegBytes })).toEqual({
      kind: "base64",
      base64: Buffer.from(jpegBytes).toString("base64"),
      mediaType: "image/jpeg",
    });
    expect(imagePartToUrl({ type: "image", image: pngBytes })).toBe(
      `data:image/png;base64,${Buffer.from(pngBytes).toString("base64")}`,
    );
  });

  it("keeps http(s) URLs, reads data URLs, and guesses the type of bare base64", () => {
    expect(imagePartToUrl({ type: "image", image: "https://example.test/cat.png" })).toBe(
      "https://example.test/cat.png",
    );
    expect(resolveImage({ type: "image", image: "data:image/webp;base64,UklGR" })).toEqual({
      kind: "base64",
      base64: "UklGR",
      mediaType: "image/webp",
    });
    const jpegBase64 = Buffer.from(jpegBytes).toString("base64");
    expect(imagePartToUrl({ type: "image", image: jpegBase64 })).toBe(`data:image/jpeg;base64,${jpegBase64}`);
    expect(resolveImage({ type: "image", image: jpegBase64, mediaType: "image/gif" })).toMatchObject({
      mediaType: "image/gif",
    });
  });

  it("recognises GIF and WebP signatures", () => {
    expect(guessImageMediaType(new TextEncoder().encode("GIF89a..."))).toBe("image/gif");
    expect(guessImageMediaType(new TextEncoder().encode("RIFF\0\0\0\0WEBPVP8"))).toBe("image/webp");
  });
});
