import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChatMessage,
  CodeAgent,
  MissingPackageError,
  type Model,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import { OpenAIModel } from "@smol/models-openai";
import { type FakeHubServer, ScriptedModel, startFakeHub } from "@smol/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadAgentFromFolder, saveAgent } from "./agent-folder.js";
import { loadAgentFromHub, pushAgentToHub } from "./agent-hub.js";
import { SerializationError, UntrustedCodeError } from "./errors.js";
import "./index.js";

const getWeather = tool(
  {
    name: "get_weather",
    description: "Current weather in a city.",
    inputs: { city: { type: "string", description: "The city." } },
    outputType: "string",
  },
  ({ city }) => `Sunny in ${city}`,
);

/** A model outside the @smol/models-* packages, rebuilt from its options. */
class LocalModel implements Model {
  readonly modelId: string;
  constructor(options: Record<string, unknown>) {
    this.modelId = String(options.modelId);
  }
  async generate(): Promise<ChatMessage> {
    return { role: "assistant", content: "nothing" };
  }
}

let folder: string;
let hub: FakeHubServer;
const savedKey = process.env.OPENAI_API_KEY;

/** What a saved agent describes: its dict without the executor's secret. */
function withoutExecutorSecret(dict: Record<string, unknown>) {
  const { apiKey: _apiKey, ...executorOptions } = dict.executorOptions as Record<string, unknown>;
  return { ...dict, executorOptions };
}

function buildAgent() {
  const weatherAgent = new ToolCallingAgent({
    tools: [getWeather],
    model: new OpenAIModel({
      modelId: "gpt-4o-mini",
      apiKey: "sk-secret-in-code",
      apiBase: "http://127.0.0.1:9/v1",
    }),
    name: "weather_agent",
    description: "Knows the weather.",
    maxSteps: 3,
    verbosityLevel: 0,
  });
  return new CodeAgent({
    tools: [],
    managedAgents: [weatherAgent],
    model: new OpenAIModel({
      modelId: "gpt-4o",
      apiKey: "sk-secret-in-code",
      apiBase: "http://127.0.0.1:9/v1",
      temperature: 0.2,
    }),
    additionalAuthorizedImports: ["numpy.*"],
    instructions: "Answer in French.",
    codeBlockTags: "markdown",
    maxSteps: 7,
    planningInterval: 2,
    executorType: "local",
    executorOptions: { timeoutSeconds: 12, apiKey: "not-to-be-saved" },
    verbosityLevel: 0,
    promptTemplates: { finalAnswer: { preMessages: "Custom pre-messages." } },
  });
}

beforeAll(async () => {
  hub = await startFakeHub({ token: "hf_fake_token" });
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "smol-agent-test-"));
  process.env.OPENAI_API_KEY = "sk-from-environment";
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
});

describe("saving agents to a folder", () => {
  it("writes agent.json without secrets, the tools and the managed agents", async () => {
    const agent = buildAgent();
    await saveAgent(agent, folder);
    const manifestText = await readFile(join(folder, "agent.json"), "utf8");
    expect(manifestText).not.toContain("sk-secret-in-code");
    expect(manifestText).not.toContain("not-to-be-saved");
    const manifest = JSON.parse(manifestText);
    expect(manifest).toMatchObject({
      class: "CodeAgent",
      model: { class: "OpenAIModel" },
      tools: [],
      managedAgents: ["weather_agent"],
      authorizedImports: ["numpy.*"],
      instructions: "Answer in French.",
      executorType: "local",
      executorOptions: { timeoutSeconds: 12 },
      maxSteps: 7,
      planningInterval: 2,
    });
    const managed = JSON.parse(
      await readFile(join(folder, "managed_agents/weather_agent/agent.json"), "utf8"),
    );
    expect(managed).toMatchObject({
      class: "ToolCallingAgent",
      tools: ["get_weather"],
      name: "weather_agent",
    });
    expect(
      await readFile(join(folder, "managed_agents/weather_agent/tools/get_weather/tool.mjs"), "utf8"),
    ).toContain("Sunny in");
  });

  it("round-trips through a folder, the model key coming from the environment", async () => {
    const agent = buildAgent();
    await saveAgent(agent, folder);
    const loaded = await loadAgentFromFolder(folder, { trustRemoteCode: true });
    expect(loaded).toBeInstanceOf(CodeAgent);
    expect(loaded.toDict()).toEqual(withoutExecutorSecret(agent.toDict()));
    expect(loaded.model).toBeInstanceOf(OpenAIModel);
    expect((loaded.model as unknown as { client: { apiKey: string } }).client.apiKey).toBe(
      "sk-from-environment",
    );
    expect((loaded as CodeAgent).codeBlockTags).toEqual((agent as CodeAgent).codeBlockTags);
    expect(loaded.promptTemplates.finalAnswer.preMessages).toBe("Custom pre-messages.");
  });

  it("runs a loaded agent's tools with the model given at load time", async () => {
    await saveAgent(buildAgent().managedAgents.weather_agent!, folder);
    const model = new ScriptedModel([
      { toolCalls: [{ name: "get_weather", arguments: { city: "Lyon" } }] },
      { toolCalls: [{ name: "final_answer", arguments: { answer: "done" } }] },
    ]);
    const loaded = await ToolCallingAgent.fromFolder(folder, { trustRemoteCode: true, model });
    expect(loaded).toBeInstanceOf(ToolCallingAgent);
    expect(await loaded.run("Weather in Lyon?")).toBe("done");
    expect(JSON.stringify(model.calls[1]?.messages)).toContain("Sunny in Lyon");
    await expect(CodeAgent.fromFolder(folder, { trustRemoteCode: true, model })).rejects.toThrow(
      /not a CodeAgent/,
    );
  });

  it("needs trustRemoteCode when the folder holds tools", async () => {
    await saveAgent(buildAgent(), folder);
    await expect(loadAgentFromFolder(folder)).rejects.toThrow(UntrustedCodeError);
  });

  it("says which package is missing, and which classes it cannot rebuild", async () => {
    await saveAgent(buildAgent(), folder);
    const missing = Object.assign(new Error("Cannot find package '@smol/models-openai'"), {
      code: "ERR_MODULE_NOT_FOUND",
    });
    const importModule = async (specifier: string) => {
      if (specifier === "@smol/models-openai") throw missing;
      return await import(specifier);
    };
    const error = await loadAgentFromFolder(folder, { trustRemoteCode: true, importModule }).catch(
      (caught: unknown) => caught,
    );
    expect(MissingPackageError.isInstance(error)).toBe(true);
    expect((error as MissingPackageError).packageName).toBe("@smol/models-openai");

    const local = new ToolCallingAgent({
      tools: [],
      model: new LocalModel({ modelId: "local-1" }),
      verbosityLevel: 0,
    });
    await saveAgent(local, folder);
    await expect(loadAgentFromFolder(folder)).rejects.toThrow(/class 'LocalModel'.*Pass \{ model \}/s);
    const loaded = await loadAgentFromFolder(folder, { modelClasses: { LocalModel } });
    expect(loaded.model).toBeInstanceOf(LocalModel);
    expect(loaded.model.modelId).toBe("local-1");
  });

  it("rejects a malformed agent.json", async () => {
    await expect(loadAgentFromFolder(folder, { trustRemoteCode: true })).rejects.toThrow(SerializationError);
  });
});

describe("a loaded CodeAgent running Python", () => {
  it("calls its loaded tool from the model's code", async () => {
    const agent = new CodeAgent({
      tools: [getWeather],
      model: new LocalModel({ modelId: "local-1" }),
      executorType: "python",
      verbosityLevel: 0,
    });
    await saveAgent(agent, folder);
    await agent.cleanup();
    const model = new ScriptedModel([
      "Thought: I ask the tool.\n<code>\nreport = get_weather(city='Nice')\nfinal_answer(report.upper())\n</code>",
    ]);
    await using loaded = (await CodeAgent.fromFolder(folder, { trustRemoteCode: true, model })) as CodeAgent;
    expect(loaded.executorType).toBe("python");
    expect(await loaded.run("Weather in Nice?")).toBe("SUNNY IN NICE");
  });
});

describe("sharing agents on the fake Hub", () => {
  it("pushes with agent.pushToHub and loads with CodeAgent.fromHub", async () => {
    const agent = buildAgent();
    const url = await agent.pushToHub("m-ric/my_agent", { hubUrl: hub.url, accessToken: "hf_fake_token" });
    expect(url).toBe(`${hub.url}/spaces/m-ric/my_agent`);
    expect([...(hub.repoFiles("space", "m-ric/my_agent")?.keys() ?? [])].sort()).toEqual([
      "agent.json",
      "managed_agents/weather_agent/agent.json",
      "managed_agents/weather_agent/tools/get_weather/tool.json",
      "managed_agents/weather_agent/tools/get_weather/tool.mjs",
    ]);
    const loaded = await CodeAgent.fromHub("m-ric/my_agent", { trustRemoteCode: true, hubUrl: hub.url });
    expect(loaded.toDict()).toEqual(withoutExecutorSecret(agent.toDict()));
    expect(await loaded.managedAgents.weather_agent!.tools.get_weather!.call({ city: "Nice" })).toBe(
      "Sunny in Nice",
    );
  });

  it("needs trustRemoteCode to load from the Hub", async () => {
    await pushAgentToHub(buildAgent(), "m-ric/other_agent", {
      hubUrl: hub.url,
      accessToken: "hf_fake_token",
    });
    await expect(loadAgentFromHub("m-ric/other_agent", { hubUrl: hub.url })).rejects.toThrow(
      UntrustedCodeError,
    );
  });
});
