import { tool } from "@smol/core";

/** A made-up forecast, so the example needs no network. */
const forecasts: Record<string, string> = {
  paris: "Sunny, 24 °C, light wind from the west.",
  london: "Light rain, 16 °C.",
  tokyo: "Cloudy, 19 °C.",
};

/** The quickstart's tool: today's weather in a city. */
export const getWeather = tool(
  {
    name: "get_weather",
    description: "Gives today's weather in a city.",
    inputs: { city: { type: "string", description: "The city, e.g. Paris." } },
    outputType: "string",
  },
  async ({ city }) => forecasts[city.trim().toLowerCase()] ?? `No forecast for ${city}.`,
);
