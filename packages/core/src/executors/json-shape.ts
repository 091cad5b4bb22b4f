/**
 * A check of a JSON text's shape (nesting depth, number of values) that never parses it, so a
 * hostile line such as `[[[[…]]]]` or `[{},{},…]` is refused before `JSON.parse` spends seconds
 * and gigabytes on it. Long texts are checked a slice at a time, giving the event loop a turn
 * between slices: timers (a run's timeout) keep firing while a big line is looked at.
 */

/** What a JSON text may hold. */
export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  maxDepth: number;
  /**
   * Most values: every array and object, plus every `,` between elements or members, counted
   * outside strings. It bounds the number of values `JSON.parse` would build, whatever they are.
   */
  maxValues: number;
}

/** Characters checked between two turns of the event loop. */
const SLICE_LENGTH = 256 * 1024;

const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * Says what is wrong with the shape of `text` (starting at `start`), or `undefined` when it is
 * within `limits`. Malformed JSON is not its business: `JSON.parse` reports it afterwards, on a
 * text that is then known to be cheap to parse.
 *
 * @example
 * await checkJsonShape("[[[]]]", { maxDepth: 2, maxValues: 100 }); // "nested deeper than 2 levels"
 */
export async function checkJsonShape(
  text: string,
  limits: JsonShapeLimits,
  start = 0,
): Promise<string | undefined> {
  const scanner = new ShapeScanner(limits);
  for (let from = start; from < text.length; from += SLICE_LENGTH) {
    if (from > start) await new Promise<void>((resolve) => setImmediate(resolve));
    const problem = scanner.scan(text, from, Math.min(text.length, from + SLICE_LENGTH));
    if (problem) return problem;
  }
  return undefined;
}

/** The scan's state, kept between slices (a string may span two of them). */
class ShapeScanner {
  readonly #limits: JsonShapeLimits;
  #depth = 0;
  #values = 1;
  #inString = false;
  /** The slice ended right after a backslash inside a string: the next character is escaped. */
  #escaped = false;
  /** Where the next `"` and `\\` are, or -1 when none is left; recomputed once passed. */
  #nextQuote = -2;
  #nextBackslash = -2;

  constructor(limits: JsonShapeLimits) {
    this.#limits = limits;
  }

  scan(text: string, from: number, to: number): string | undefined {
    let index = from;
    while (index < to) {
      if (this.#inString) {
        index = this.#skipString(text, index, to);
        continue;
      }
      const code = text.charCodeAt(index);
      index += 1;
      switch (code) {
        case QUOTE:
          this.#inString = true;
          break;
        case OPEN_BRACKET:
        case OPEN_BRACE:
          this.#depth += 1;
          this.#values += 1;
          if (this.#depth > this.#limits.maxDepth)
            return `nested deeper than ${this.#limits.maxDepth} levels`;
          if (this.#values > this.#limits.maxValues) return this.#tooMany();
          break;
        case CLOSE_BRACKET:
        case CLOSE_BRACE:
          this.#depth -= 1;
          break;
        case COMMA:
          this.#values += 1;
          if (this.#values > this.#limits.maxValues) return this.#tooMany();
          break;
      }
    }
    return undefined;
  }

  /**
   * Moves past string content up to its closing quote (or the slice's end); returns the index.
   * The next quote and backslash are found with `indexOf` (native, so a long string costs next
   * to nothing) and remembered until passed, so the whole text is searched at most once for each.
   */
  #skipString(text: string, from: number, to: number): number {
    let index = from;
    if (this.#escaped) {
      this.#escaped = false;
      index += 1;
    }
    while (index < to) {
      if (this.#nextQuote !== -1 && this.#nextQuote < index) this.#nextQuote = text.indexOf('"', index);
      if (this.#nextBackslash !== -1 && this.#nextBackslash < index)
        this.#nextBackslash = text.indexOf("\\", index);
      const quote = this.#nextQuote;
      const backslash = this.#nextBackslash;
      if (backslash !== -1 && backslash < to && (quote === -1 || backslash < quote)) {
        if (backslash + 1 >= to) {
          this.#escaped = true;
          return to;
        }
        index = backslash + 2;
        continue;
      }
      if (quote === -1 || quote >= to) return to;
      this.#inString = false;
      return quote + 1;
    }
    return index;
  }

  #tooMany(): string {
    return `more than ${this.#limits.maxValues} values`;
  }
}
