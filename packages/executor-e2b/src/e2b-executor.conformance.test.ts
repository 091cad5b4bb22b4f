import { type FakeE2B, startFakeE2B } from "@smol/testing";
import { describeExecutorConformance } from "@smol/testing/vitest";
import { afterAll, beforeAll, describe } from "vitest";
import { E2BExecutor } from "./index.js";

describe("E2BExecutor through the real e2b SDK and a fake E2B", () => {
  let e2b: FakeE2B;
  beforeAll(async () => {
    e2b = await startFakeE2B();
  });
  afterAll(async () => {
    await e2b?.close();
  });

  describeExecutorConformance(
    "E2BExecutor",
    (options) =>
      new E2BExecutor({
        ...options,
        apiKey: "e2b_test_key",
        sandboxOptions: { apiUrl: e2b.apiUrl, sandboxUrl: e2b.sandboxUrl },
      }),
  );
});
