import { type FakeBlaxel, startFakeBlaxel } from "@smol/testing";
import { describeExecutorConformance } from "@smol/testing/vitest";
import { afterAll, beforeAll, describe } from "vitest";
import { BlaxelExecutor } from "./index.js";

describe("BlaxelExecutor through the real @blaxel/core SDK and a fake Blaxel", () => {
  let blaxel: FakeBlaxel;
  beforeAll(async () => {
    blaxel = await startFakeBlaxel();
    process.env.BL_API_URL = blaxel.apiUrl;
    // A region makes the SDK want HTTP/2 to Blaxel's edge; the fake speaks HTTP/1.1 on loopback.
    process.env.BL_DISABLE_H2 = "true";
  });
  afterAll(async () => {
    delete process.env.BL_API_URL;
    delete process.env.BL_DISABLE_H2;
    await blaxel?.close();
  });

  describeExecutorConformance(
    "BlaxelExecutor",
    (options) =>
      new BlaxelExecutor({
        ...options,
        apiKey: "bl_test_key",
        workspace: "test-workspace",
        region: "us-pdx-1",
      }),
  );
});
