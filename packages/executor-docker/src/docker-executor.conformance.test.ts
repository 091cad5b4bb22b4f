import { describeExecutorConformance } from "@smol/testing/vitest";
import { afterAll, describe, expect, it } from "vitest";
import {
  engineHost,
  leftoverContainers,
  probeEngine,
  testImage,
  testRunLabel,
  warnEngineMissing,
} from "./__tests__/test-engine.js";
import { DockerExecutor } from "./index.js";

const engine = await probeEngine();
warnEngineMissing(engine);

it.runIf(process.env.CI)("has a Docker engine in CI (start it with ./scripts/docker/start-engine.sh)", () => {
  expect(engine).toEqual({ available: true });
});

describe.skipIf(!engine.available)("DockerExecutor on a real engine", () => {
  describeExecutorConformance(
    "DockerExecutor",
    (options) =>
      new DockerExecutor({
        ...options,
        host: engineHost,
        image: testImage,
        containerOptions: { Labels: { [testRunLabel.key]: testRunLabel.value } },
      }),
    { testTimeoutMs: 90_000 },
  );

  afterAll(async () => {
    expect(await leftoverContainers()).toEqual([]);
  });
});
