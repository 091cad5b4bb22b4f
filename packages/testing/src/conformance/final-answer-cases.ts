import { expect } from "vitest";

/** Final answers of every serializable type: a label, the code, and a check of the host value. */
export const finalAnswerCases: [label: string, code: string, check: (value: unknown) => void][] = [
  ["a string", "final_answer('done')", (value) => expect(value).toBe("done")],
  ["an int", "final_answer(42)", (value) => expect(value).toBe(42)],
  ["a float", "final_answer(2.5)", (value) => expect(value).toBe(2.5)],
  ["a bool", "final_answer(True)", (value) => expect(value).toBe(true)],
  ["None", "final_answer(None)", (value) => expect(value).toBeNull()],
  ["a list", "final_answer([1, 'a', None, [2]])", (value) => expect(value).toEqual([1, "a", null, [2]])],
  [
    "a dict",
    "final_answer({'a': 1, 'b': {'c': [2, 3]}})",
    (value) => expect(value).toEqual({ a: 1, b: { c: [2, 3] } }),
  ],
  ["a tuple", "final_answer((1, 'a', (2, 3)))", (value) => expect(value).toEqual([1, "a", [2, 3]])],
  ["a set", "final_answer({3, 1, 2})", (value) => expect(value).toEqual(new Set([1, 2, 3]))],
  [
    "bytes",
    "final_answer(b'\\x00\\xffhi')",
    (value) => expect(value).toEqual(new Uint8Array([0, 255, 104, 105])),
  ],
  [
    "a datetime",
    "import datetime\nfinal_answer(datetime.datetime(2024, 1, 2, 3, 4, 5))",
    (value) => expect(value).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5))),
  ],
  [
    "a date",
    "import datetime\nfinal_answer(datetime.date(2024, 2, 29))",
    (value) => expect(value).toEqual(new Date(Date.UTC(2024, 1, 29))),
  ],
  ["a big int", "final_answer(2 ** 70)", (value) => expect(value).toBe(2n ** 70n)],
  ["infinity", "final_answer(float('inf'))", (value) => expect(value).toBe(Number.POSITIVE_INFINITY)],
  [
    "a dict with int keys",
    "final_answer({1: 'one', 2: 'two'})",
    (value) =>
      expect(value).toEqual(
        new Map([
          [1, "one"],
          [2, "two"],
        ]),
      ),
  ],
  [
    "an object without a JSON form (its repr)",
    "class Point:\n    def __repr__(self):\n        return 'Point(1, 2)'\nfinal_answer(Point())",
    (value) => expect(value).toBe("Point(1, 2)"),
  ],
  ["a keyword argument", "final_answer(answer='by keyword')", (value) => expect(value).toBe("by keyword")],
];
