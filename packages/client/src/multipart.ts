import type { PreparedMedia } from "./media-source.ts";

/**
 * A request body laid out per the GraphQL multipart request spec
 * (https://github.com/jaydenseric/graphql-multipart-request-spec): an `operations` field with the
 * files nulled, a `map` field from file field names to variable paths, then one part per file in
 * the same order. Text parts are pre-encoded so every file's byte offset in the body is known.
 */
export interface MultipartBody {
  contentType: string;
  parts: ({ kind: "text"; bytes: Uint8Array } | { kind: "file"; index: number })[];
}

const encoder = new TextEncoder();

function randomBoundary(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----ParleyBoundary${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

// Browsers' own escaping for form-data names and filenames (WHATWG HTML, "multipart/form-data encoding").
const escapeQuoted = (value: string) => value.replace(/"/g, "%22").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

export function multipartBody(
  operations: unknown,
  map: Record<string, string[]>,
  files: readonly PreparedMedia[],
): MultipartBody {
  const boundary = randomBoundary();
  const parts: MultipartBody["parts"] = [];
  const text = (value: string) => parts.push({ kind: "text", bytes: encoder.encode(value) });
  const field = (name: string, value: string) =>
    text(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  field("operations", JSON.stringify(operations));
  field("map", JSON.stringify(map));
  files.forEach((file, index) => {
    // A part without filename is still a file to the parser when typed application/octet-stream;
    // the real filename and type also travel in MediaInput, which the server prefers.
    const filename = file.filename === null ? "" : `; filename="${escapeQuoted(file.filename)}"`;
    const type = file.filename === null ? "application/octet-stream" : (file.contentType ?? "application/octet-stream");
    text(
      `--${boundary}\r\nContent-Disposition: form-data; name="${index}"${filename}\r\nContent-Type: ${type.replace(/[\r\n]/g, "")}\r\n\r\n`,
    );
    parts.push({ kind: "file", index });
    text("\r\n");
  });
  text(`--${boundary}--\r\n`);
  return { contentType: `multipart/form-data; boundary=${boundary}`, parts };
}
