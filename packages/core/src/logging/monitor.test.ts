import { describe, expect, it } from "vitest";
import { Timing } from "../memory/steps.js";
import { AgentLogger, LogLevel, Monitor } from "./index.js";

function monitorWithSink(level: LogLevel = LogLevel.INFO) {
  let text = "";
  const logger = new AgentLogger({ level, color: false, width: 60, output: (chunk) => (text += chunk) });
  return { monitor: new Monitor({ modelId: "scripted" }, logger), read: () => text };
}

describe("Monitor", () => {
  it("adds up tokens across steps and prints the running totals in each footer", () => {
    const { monitor, read } = monitorWithSink();
    monitor.updateMetrics({
      timing: { duration: 0.27 },
      tokenUsage: { inputTokens: 2069, outputTokens: 60 },
    });
    monitor.updateMetrics({ timing: { duration: 0.1 }, tokenUsage: { inputTokens: 2219, outputTokens: 88 } });
    expect(read()).toBe(
      "[Step 1: Duration 0.27 seconds | Input tokens: 2,069 | Output tokens: 60]\n" +
        "[Step 2: Duration 0.10 seconds | Input tokens: 4,288 | Output tokens: 148]\n",
    );
    expect(monitor.getTotalTokenCounts()).toEqual({ inputTokens: 4288, outputTokens: 148 });
    expect(monitor.totalInputTokens).toBe(4288);
    expect(monitor.totalOutputTokens).toBe(148);
    expect(monitor.stepDurations).toEqual([0.27, 0.1]);
  });

  it("uses the step's own number, and omits what a step does not report", () => {
    const { monitor, read } = monitorWithSink();
    monitor.updateMetrics({ stepNumber: 7, timing: { duration: 1.5 } });
    monitor.updateMetrics({ timing: {}, tokenUsage: { inputTokens: 10, outputTokens: 5 } });
    expect(read()).toBe("[Step 7: Duration 1.50 seconds]\n[Step 2 | Input tokens: 10 | Output tokens: 5]\n");
    expect(monitor.stepDurations).toEqual([1.5, 0]);
  });

  it("reads the Timing class of memory steps", () => {
    const { monitor, read } = monitorWithSink();
    monitor.updateMetrics({ stepNumber: 1, timing: new Timing(1_000, 3_500) });
    expect(read()).toBe("[Step 1: Duration 2.50 seconds]\n");
    expect(monitor.stepDurations).toEqual([2.5]);
  });

  it("ignores token counts that are not finite positive numbers", () => {
    const { monitor } = monitorWithSink();
    monitor.updateMetrics({
      timing: { duration: 1 },
      tokenUsage: { inputTokens: Number.NaN, outputTokens: -3 },
    });
    monitor.updateMetrics({ timing: { duration: 1 }, tokenUsage: { inputTokens: 5, outputTokens: 6 } });
    expect(monitor.getTotalTokenCounts()).toEqual({ inputTokens: 5, outputTokens: 6 });
  });

  it("starts again from zero after reset", () => {
    const { monitor, read } = monitorWithSink();
    monitor.updateMetrics({ timing: { duration: 2 }, tokenUsage: { inputTokens: 1000, outputTokens: 100 } });
    monitor.reset();
    expect(monitor.getTotalTokenCounts()).toEqual({ inputTokens: 0, outputTokens: 0 });
    expect(monitor.stepDurations).toEqual([]);
    monitor.updateMetrics({ timing: { duration: 1 }, tokenUsage: { inputTokens: 3, outputTokens: 4 } });
    expect(read().split("\n")[1]).toBe(
      "[Step 1: Duration 1.00 seconds | Input tokens: 3 | Output tokens: 4]",
    );
  });

  it("keeps counting when the logger prints nothing", () => {
    const { monitor, read } = monitorWithSink(LogLevel.OFF);
    monitor.updateMetrics({ timing: { duration: 1 }, tokenUsage: { inputTokens: 3, outputTokens: 4 } });
    expect(read()).toBe("");
    expect(monitor.getTotalTokenCounts()).toEqual({ inputTokens: 3, outputTokens: 4 });
  });
});
