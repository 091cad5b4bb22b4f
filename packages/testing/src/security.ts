/**
 * The sandbox attack corpus, for smol's own executor tests only: it is not in the package's
 * `exports` (a published list of working escapes would help no user), and the workspace reaches
 * it through its source path alias `@smol/testing/security`.
 */
export * from "./security/index.js";
