/**
 * @smol/testing/vitest: suites that register vitest tests (`describe`/`it`), for packages that
 * implement smol interfaces. Importing this entry point needs vitest installed (a peer
 * dependency); the main `@smol/testing` entry point does not.
 */
export {
  type ConformanceExecutorFactory,
  describeExecutorConformance,
  type ExecutorConformanceOptions,
} from "./conformance/index.js";
