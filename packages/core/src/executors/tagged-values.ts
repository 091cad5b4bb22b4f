import type { ImagePart } from "../models/messages.js";

/**
 * Values crossing the runtime protocol: JSON, plus objects tagged with `__smol_type__` for what
 * JSON cannot say (tuples, sets, bytes, dates, images, …). The table is in
 * docs/executor-protocol.md, "Tagged values".
 */
export const TAG_KEY = "__smol_type__";

/** JSON as it travels on the wire. */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

/** A tagged value the host could not understand: a protocol violation by the runtime. */
export class MalformedValueError extends Error {
  override name = "MalformedValueError";
}

const MAX_DEPTH = 100;

/** Marks a value that is already in wire form: `toWireValue` passes it on as it is. */
const ENCODED = Symbol.for("smol.encodedWireValue");

/**
 * A value already encoded for Python (a saved variable from `getVariables`), to hand to
 * `sendVariables` so that it is defined again as it was: a tuple stays a tuple, a date a date.
 * Check it with `fromWireValue` first when it comes from outside (a snapshot file).
 *
 * @example
 * await executor.sendVariables({ point: encodedValue({ __smol_type__: "tuple", items: [1, 2] }) });
 */
export function encodedValue(wire: WireValue): object {
  return { [ENCODED]: wire };
}

/**
 * Encodes a host value for Python: `Set` → `set`, `Map` → `dict`, `Uint8Array` → `bytes`,
 * `Date` → an aware UTC `datetime`, `bigint` → `int`, `undefined` → `None`, an `ImagePart` with
 * bytes → an image. What has no Python form (functions, symbols) goes as its text.
 *
 * @example
 * toWireValue(new Set([1, 2])); // { __smol_type__: "set", items: [1, 2] }
 */
export function toWireValue(value: unknown): WireValue {
  return encode(value, 0, new Set());
}

function encode(value: unknown, depth: number, active: Set<object>): WireValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "boolean":
    case "string":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      return { [TAG_KEY]: "float", value: Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf" };
    case "bigint":
      return { [TAG_KEY]: "int", value: value.toString() };
    case "function":
    case "symbol":
      return reprTag(typeof value, String(value));
  }
  if (depth > MAX_DEPTH) return reprTag("object", "<nested too deeply>");
  const object = value as object;
  if (ENCODED in object) return (object as { [ENCODED]: WireValue })[ENCODED];
  if (object instanceof Uint8Array) return bytesTag(object);
  if (object instanceof ArrayBuffer) return bytesTag(new Uint8Array(object));
  if (ArrayBuffer.isView(object))
    return encode(Array.from(object as unknown as ArrayLike<unknown>), depth, active);
  if (object instanceof Date) {
    return Number.isNaN(object.getTime())
      ? reprTag("Date", "Invalid Date")
      : { [TAG_KEY]: "datetime", iso: object.toISOString() };
  }
  if (isImagePart(object) && object.image instanceof Uint8Array) {
    return { [TAG_KEY]: "image", mimeType: object.mediaType ?? "image/png", base64: toBase64(object.image) };
  }
  if (active.has(object)) return reprTag("object", "<circular reference>");
  active.add(object);
  try {
    const next = (item: unknown) => encode(item, depth + 1, active);
    if (Array.isArray(object)) return object.map(next);
    if (object instanceof Set) return { [TAG_KEY]: "set", items: [...object].map(next) };
    if (object instanceof Map)
      return { [TAG_KEY]: "dict", entries: [...object].map(([key, item]) => [next(key), next(item)]) };
    if (object instanceof Error) return reprTag(object.name, `${object.name}: ${object.message}`);
    if (typeof (object as { toJSON?: unknown }).toJSON === "function") {
      return next((object as { toJSON(): unknown }).toJSON());
    }
    const entries = Object.entries(object);
    if (entries.some(([key]) => key === TAG_KEY)) {
      return { [TAG_KEY]: "dict", entries: entries.map(([key, item]) => [key, next(item)]) };
    }
    return Object.fromEntries(entries.map(([key, item]) => [key, next(item)]));
  } finally {
    active.delete(object);
  }
}

/**
 * Decodes a value sent by the runtime: `tuple` → `Array`, `set` → `Set`, `dict` → `Map`,
 * `bytes` → `Uint8Array`, `datetime`/`date` → `Date` (a naive datetime is read as UTC),
 * big `int` → `bigint`, `image` → `ImagePart`, `repr` → its text.
 * Throws `MalformedValueError` on a tag it cannot read.
 *
 * @example
 * fromWireValue({ __smol_type__: "tuple", items: [1, "a"] }); // [1, "a"]
 */
export function fromWireValue(data: unknown): unknown {
  return decode(data, 0);
}

function decode(data: unknown, depth: number): unknown {
  if (data === null || typeof data !== "object") {
    if (
      data === undefined ||
      typeof data === "function" ||
      typeof data === "symbol" ||
      typeof data === "bigint"
    ) {
      throw new MalformedValueError(`not a JSON value: ${typeof data}`);
    }
    return data;
  }
  if (depth > MAX_DEPTH + 5) throw new MalformedValueError("value nested too deeply");
  const next = (item: unknown) => decode(item, depth + 1);
  if (Array.isArray(data)) return data.map(next);
  const record = data as Record<string, unknown>;
  const kind = record[TAG_KEY];
  if (kind === undefined)
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, next(item)]));
  switch (kind) {
    case "tuple":
      return arrayField(record, "items").map(next);
    case "set":
      return new Set(arrayField(record, "items").map(next));
    case "dict":
      return new Map(
        arrayField(record, "entries").map((entry) => {
          if (!Array.isArray(entry) || entry.length !== 2)
            throw new MalformedValueError("a dict entry must be a [key, value] pair");
          return [next(entry[0]), next(entry[1])] as const;
        }),
      );
    case "bytes":
      return fromBase64(stringField(record, "base64"));
    case "datetime":
      return parseDate(stringField(record, "iso"), true);
    case "date":
      return parseDate(stringField(record, "iso"), false);
    case "float":
      return parseSpecialFloat(stringField(record, "value"));
    case "int":
      return parseBigInt(stringField(record, "value"));
    case "image": {
      const image: ImagePart = {
        type: "image",
        image: fromBase64(stringField(record, "base64")),
        mediaType: stringField(record, "mimeType"),
      };
      return image;
    }
    case "repr":
      return stringField(record, "repr");
    default:
      throw new MalformedValueError(`unknown ${TAG_KEY} ${JSON.stringify(kind)}`);
  }
}

function reprTag(pythonType: string, repr: string): WireValue {
  return { [TAG_KEY]: "repr", pythonType, repr };
}

function bytesTag(bytes: Uint8Array): WireValue {
  return { [TAG_KEY]: "bytes", base64: toBase64(bytes) };
}

function isImagePart(object: object): object is ImagePart {
  return (object as { type?: unknown }).type === "image" && "image" in object;
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function fromBase64(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw new MalformedValueError("invalid base64");
  return new Uint8Array(Buffer.from(text, "base64"));
}

function arrayField(record: Record<string, unknown>, key: string): unknown[] {
  const value = record[key];
  if (!Array.isArray(value))
    throw new MalformedValueError(`${String(record[TAG_KEY])} needs an array "${key}"`);
  return value;
}

function stringField(record: Record<string, unknown>, key: string): string {
  const value = record[key];
  if (typeof value !== "string")
    throw new MalformedValueError(`${String(record[TAG_KEY])} needs a string "${key}"`);
  return value;
}

function parseDate(iso: string, withTime: boolean): Date | string {
  let text = iso;
  if (!withTime) text = `${iso}T00:00:00Z`;
  else {
    // JavaScript keeps milliseconds only, and reads a naive date-time as local time: make it UTC.
    text = text.replace(/(\.\d{3})\d+/, "$1");
    if (!/(Z|[+-]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)$/.test(text)) text += "Z";
  }
  const date = new Date(text);
  // A date JavaScript cannot hold (an offset with seconds, …) stays readable as its ISO text.
  return Number.isNaN(date.getTime()) ? iso : date;
}

function parseSpecialFloat(value: string): number {
  if (value === "nan") return Number.NaN;
  if (value === "inf") return Number.POSITIVE_INFINITY;
  if (value === "-inf") return Number.NEGATIVE_INFINITY;
  throw new MalformedValueError(`invalid float ${JSON.stringify(value)}`);
}

function parseBigInt(value: string): bigint {
  if (!/^-?\d+$/.test(value)) throw new MalformedValueError(`invalid int ${JSON.stringify(value)}`);
  return BigInt(value);
}
