import { jsonReplacer } from "../memory/to-messages.js";

/** A value as text for the model: strings as they are, anything else as JSON. */
export function stringifyValue(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value, jsonReplacer) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A value as Python would show it to the model: None, not null. */
export function formatPythonValue(value: unknown): string {
  if (value === null || value === undefined) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  return stringifyValue(value);
}

/** A short rendering of a value for error messages: JSON, cut at `maxLength`. */
export function previewValue(value: unknown, maxLength = 200): string {
  let text: string;
  try {
    text =
      typeof value === "string"
        ? JSON.stringify(value)
        : (JSON.stringify(value, jsonReplacer) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** `text`, cut at `maxLength` with a mark saying so. */
export function truncateText(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}… (truncated)` : text;
}
