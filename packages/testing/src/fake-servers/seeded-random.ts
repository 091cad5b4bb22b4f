/**
 * A small deterministic random number generator (mulberry32): the same seed gives the same
 * sequence, so a test with random faults fails the same way twice.
 *
 * @example
 * const random = seededRandom(42);
 * random(); // a number in [0, 1), always the same for seed 42
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}
