import { describe, expect, it } from "vitest";
import { progressBar } from "./progress-bar.js";

describe("progressBar", () => {
  it("redraws one line with the total progress, then ends it when the model is ready", () => {
    const written: string[] = [];
    const report = progressBar({ write: (text: string) => written.push(text) }, 10);
    report({ status: "initiate", name: "m", file: "config.json" });
    report({
      status: "progress_total",
      name: "onnx-community/m",
      progress: 50,
      loaded: 5_000_000,
      total: 10_000_000,
    });
    report({ status: "progress", file: "model.onnx", progress: 100, loaded: 10_000_000, total: 10_000_000 });
    report({ status: "ready" });
    expect(written).toEqual([
      "\ronnx-community/m [#####     ] 50% 5.0/10.0 MB",
      "\rmodel.onnx [##########] 100% 10.0/10.0 MB",
      "\n",
    ]);
  });
});
