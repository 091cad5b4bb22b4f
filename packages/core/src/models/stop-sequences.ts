/**
 * Some reasoning models reject the `stop` parameter with a 400 (OpenAI's o3, o4 and gpt-5
 * families, xAI's grok models); o3-mini still takes it. For those, smol does not send the stop
 * sequences and cuts the output itself.
 *
 * @example
 * supportsStopParameter("gpt-4o"); // true
 * supportsStopParameter("openai/gpt-5-mini"); // false
 */
export function supportsStopParameter(modelId: string): boolean {
  // Routers prefix the provider (`openai/o3`, `azure/gpt-5`): only the last segment names the model.
  const name = (modelId.split("/").at(-1) ?? modelId).toLowerCase();
  if (/^o3-mini(-\d{4}-\d{2}-\d{2})?$/.test(name)) return true;
  return !/^(o3|o4|gpt-5|grok-)/.test(name);
}

/** The text before the earliest occurrence of any stop sequence (the whole text when none occurs). */
export function cutAtStopSequences(text: string, stopSequences: readonly string[]): string {
  const index = earliestStopIndex(text, stopSequences);
  return index === -1 ? text : text.slice(0, index);
}

function earliestStopIndex(text: string, stopSequences: readonly string[]): number {
  let earliest = -1;
  for (const stop of stopSequences) {
    if (stop === "") continue;
    const index = text.indexOf(stop);
    if (index !== -1 && (earliest === -1 || index < earliest)) earliest = index;
  }
  return earliest;
}

/**
 * Cuts streamed text at the first stop sequence, even when the sequence arrives split across
 * deltas: the end of the text that could be the start of a stop sequence is held back until the
 * next delta shows whether it is one.
 *
 * @example
 * const cutter = new StopSequenceCutter(["Observation:"]);
 * cutter.push("Thought: done\nObserv"); // "Thought: done\n"
 * cutter.push("ation: 42"); // ""  (stopped)
 */
export class StopSequenceCutter {
  private held = "";
  private stopped = false;
  private readonly stopSequences: readonly string[];

  constructor(stopSequences: readonly string[]) {
    this.stopSequences = stopSequences.filter((stop) => stop !== "");
  }

  /** True once a stop sequence was seen: every later text is dropped. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Returns the part of `text` that is safe to emit now. */
  push(text: string): string {
    if (this.stopped) return "";
    const buffer = this.held + text;
    const stopIndex = earliestStopIndex(buffer, this.stopSequences);
    if (stopIndex !== -1) {
      this.stopped = true;
      this.held = "";
      return buffer.slice(0, stopIndex);
    }
    const holdLength = this.longestPartialStop(buffer);
    this.held = buffer.slice(buffer.length - holdLength);
    return buffer.slice(0, buffer.length - holdLength);
  }

  /** The held-back text, at the end of the stream: it turned out not to be a stop sequence. */
  flush(): string {
    const rest = this.stopped ? "" : this.held;
    this.held = "";
    return rest;
  }

  /** Length of the longest end of `buffer` that is a proper start of some stop sequence. */
  private longestPartialStop(buffer: string): number {
    let longest = 0;
    for (const stop of this.stopSequences) {
      for (let length = Math.min(stop.length - 1, buffer.length); length > longest; length--) {
        if (buffer.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
