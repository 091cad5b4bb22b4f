import { describe, expect, it } from "vitest";
import {
  decodeRemoveParameters,
  encodeRemoveParameters,
  overlayCompletionParameters,
  REMOVE_PARAMETER,
} from "./remove-parameter.js";

describe("REMOVE_PARAMETER", () => {
  it("is the same value for every copy of @smol/core", () => {
    expect(REMOVE_PARAMETER).toBe(Symbol.for("smol.REMOVE_PARAMETER"));
  });

  it("overlays parameters: they win, REMOVE_PARAMETER deletes, the input is not changed", () => {
    const request = { model: "m", stop: ["x"], temperature: 1 };
    expect(overlayCompletionParameters(request, { stop: REMOVE_PARAMETER, temperature: 0, seed: 7 })).toEqual(
      {
        model: "m",
        temperature: 0,
        seed: 7,
      },
    );
    expect(request).toEqual({ model: "m", stop: ["x"], temperature: 1 });
  });

  it("round-trips through JSON", () => {
    const encoded = JSON.parse(JSON.stringify(encodeRemoveParameters({ stop: REMOVE_PARAMETER, top_p: 1 })));
    expect(decodeRemoveParameters(encoded)).toEqual({ stop: REMOVE_PARAMETER, top_p: 1 });
  });
});
