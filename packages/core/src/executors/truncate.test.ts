import { describe, expect, it } from "vitest";
import { authorizedImports, BASE_BUILTIN_MODULES } from "./authorized-imports.js";
import { truncateContent } from "./truncate.js";

describe("truncateContent", () => {
  it("leaves short content alone", () => {
    expect(truncateContent("hello", 5)).toBe("hello");
  });

  it("keeps the head and the tail around a marker that counts what was dropped", () => {
    const content = `${"a".repeat(100)}${"m".repeat(100)}${"z".repeat(100)}`;
    const truncated = truncateContent(content, 100);
    expect(truncated.startsWith("a".repeat(50))).toBe(true);
    expect(truncated.endsWith("z".repeat(50))).toBe(true);
    expect(truncated).toContain("200 characters of output truncated");
    expect(truncated).not.toContain("mm");
  });
});

describe("authorizedImports", () => {
  it("adds the extra entries to the base modules, sorted and without duplicates", () => {
    const list = authorizedImports(["numpy.*", "math", " pandas "]);
    expect(list).toEqual([...new Set([...BASE_BUILTIN_MODULES, "numpy.*", "pandas"])].sort());
    expect(BASE_BUILTIN_MODULES).toContain("statistics");
  });
});
