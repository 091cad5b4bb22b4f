import type { TokenizerLike, TransformersLibrary } from "./load-pipeline.js";

/** Tokens decoded at the end of the output to look for a stop sequence, beyond its length in characters. */
const extraTailTokens = 16;

/**
 * The stopping criteria for one generation: stop at any of `stopSequences` (looked for in the
 * decoded end of the generated tokens) and as soon as `signal` aborts. Transformers.js checks them
 * after each new token.
 */
export function stoppingCriteria(
  library: TransformersLibrary,
  tokenizer: TokenizerLike,
  options: { stopSequences: readonly string[]; promptLength: number; signal?: AbortSignal },
): InstanceType<TransformersLibrary["StoppingCriteriaList"]> {
  const criteria = new library.StoppingCriteriaList();
  const stops = options.stopSequences.filter((stop) => stop !== "");
  if (stops.length > 0) {
    const tailTokens = Math.max(...stops.map((stop) => stop.length)) + extraTailTokens;
    class StopSequenceCriteria extends library.StoppingCriteria {
      override _call(inputIds: (number | bigint)[][]): boolean[] {
        return inputIds.map((ids) => {
          const tail = ids.slice(Math.max(options.promptLength, ids.length - tailTokens));
          const text = tokenizer.decode(tail, { skip_special_tokens: true });
          return stops.some((stop) => text.includes(stop));
        });
      }
    }
    criteria.push(new StopSequenceCriteria());
  }
  if (options.signal) {
    const interrupt = new library.InterruptableStoppingCriteria();
    if (options.signal.aborted) interrupt.interrupt();
    else options.signal.addEventListener("abort", () => interrupt.interrupt(), { once: true });
    criteria.push(interrupt);
  }
  return criteria;
}
