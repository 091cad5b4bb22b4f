export {
  type ConformanceExecutorFactory,
  describeExecutorConformance,
  type ExecutorConformanceOptions,
} from "./executor-conformance.js";
