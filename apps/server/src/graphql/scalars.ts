import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import GraphQLUpload from "graphql-upload/GraphQLUpload.mjs";

const JSON_OBJECT_MAX_BYTES = 16 * 1024;

// The instant serialized last, and its string: answers repeat instants (all the URLs of one request
// expire together, a page's messages were often written in the same millisecond).
let lastTime = Number.NaN;
let lastIso = "";

export const DateTime = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "ISO-8601 string, UTC",
  serialize(value) {
    const d = value instanceof Date ? value : new Date(value as string);
    const time = d.getTime();
    if (Number.isNaN(time)) throw new TypeError("DateTime cannot represent an invalid date");
    if (time !== lastTime) {
      lastIso = d.toISOString();
      lastTime = time;
    }
    return lastIso;
  },
  parseValue(value) {
    if (typeof value !== "string" || Number.isNaN(Date.parse(value)))
      throw new TypeError("DateTime must be an ISO-8601 string");
    return new Date(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING || Number.isNaN(Date.parse(ast.value)))
      throw new TypeError("DateTime must be an ISO-8601 string");
    return new Date(ast.value);
  },
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkObject(value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) throw new TypeError("JSONObject must be a JSON object, not an array or a scalar");
  const bytes = Buffer.byteLength(JSON.stringify(value), "utf8");
  if (bytes > JSON_OBJECT_MAX_BYTES) {
    throw new TypeError(`JSONObject is ${bytes} bytes of JSON; the limit is ${JSON_OBJECT_MAX_BYTES} bytes`);
  }
  return value;
}

function literal(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((v) => literal(v, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((f) => [f.name.value, literal(f.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default:
      throw new TypeError(`JSONObject cannot represent ${ast.kind}`);
  }
}

export const JSONObject = new GraphQLScalarType<Record<string, unknown>, Record<string, unknown>>({
  name: "JSONObject",
  description: "A JSON object (not array/scalar), <= 16 KiB serialized",
  serialize: (value) => (isPlainObject(value) ? value : {}),
  parseValue: checkObject,
  parseLiteral: (ast, variables) => checkObject(literal(ast, variables)),
});

export const Upload = GraphQLUpload;
