/**
 * A small MCP server over stdio with two unit-conversion tools, for the example to use. Any MCP
 * server works the same way; this one keeps the example self-contained. Nothing but the protocol
 * may go to stdout.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const TEMPERATURE_UNITS = ["celsius", "fahrenheit", "kelvin"] as const;
type TemperatureUnit = (typeof TEMPERATURE_UNITS)[number];

const METRES_PER_UNIT = { metre: 1, kilometre: 1000, mile: 1609.344, foot: 0.3048, inch: 0.0254 } as const;
type LengthUnit = keyof typeof METRES_PER_UNIT;

export function convertTemperature(value: number, from: TemperatureUnit, to: TemperatureUnit): number {
  const celsius =
    from === "celsius" ? value : from === "fahrenheit" ? ((value - 32) * 5) / 9 : value - 273.15;
  const converted =
    to === "celsius" ? celsius : to === "fahrenheit" ? (celsius * 9) / 5 + 32 : celsius + 273.15;
  return Math.round(converted * 100) / 100;
}

export function convertLength(value: number, from: LengthUnit, to: LengthUnit): number {
  return Math.round(((value * METRES_PER_UNIT[from]) / METRES_PER_UNIT[to]) * 1000) / 1000;
}

const text = (value: number) => ({ content: [{ type: "text" as const, text: String(value) }] });

const server = new McpServer({ name: "smol-example-units", version: "0.1.0" });
server.registerTool(
  "convert_temperature",
  {
    description: "Converts a temperature between celsius, fahrenheit and kelvin.",
    inputSchema: {
      value: z.number().describe("The temperature to convert."),
      from_unit: z.enum(TEMPERATURE_UNITS).describe("The unit of `value`."),
      to_unit: z.enum(TEMPERATURE_UNITS).describe("The unit wanted."),
    },
  },
  async ({ value, from_unit, to_unit }) => text(convertTemperature(value, from_unit, to_unit)),
);
const lengthUnits = Object.keys(METRES_PER_UNIT) as [LengthUnit, ...LengthUnit[]];
server.registerTool(
  "convert_length",
  {
    description: "Converts a length between metre, kilometre, mile, foot and inch.",
    inputSchema: {
      value: z.number().describe("The length to convert."),
      from_unit: z.enum(lengthUnits).describe("The unit of `value`."),
      to_unit: z.enum(lengthUnits).describe("The unit wanted."),
    },
  },
  async ({ value, from_unit, to_unit }) => text(convertLength(value, from_unit, to_unit)),
);

await server.connect(new StdioServerTransport());
