import type { RequestHandler } from "express";
import graphqlUploadExpress from "graphql-upload/graphqlUploadExpress.mjs";
import processRequest, { type FileUpload, type ProcessRequestOptions } from "graphql-upload/processRequest.mjs";
import Upload from "graphql-upload/Upload.mjs";
import type { IncomingFile } from "../services/media/index.ts";

/**
 * graphql-multipart-request-spec uploads, handed on as the media module's IncomingFile values: the
 * `Upload` scalar resolves to an IncomingFile, so graphql-upload's types end here.
 */
export function multipartUploads(options: ProcessRequestOptions): RequestHandler {
  return graphqlUploadExpress({
    ...options,
    processRequest: async (req, res, opts) => {
      const operations = await processRequest(req, res, opts);
      for (const upload of uploadsIn(operations)) toIncomingFile(upload);
      return operations;
    },
  }) as RequestHandler;
}

/** Every distinct Upload placed in the operations (a file may be mapped to several paths). */
function uploadsIn(value: unknown, found = new Set<Upload>()): Set<Upload> {
  if (value instanceof Upload) found.add(value);
  else if (typeof value === "object" && value !== null) for (const v of Object.values(value)) uploadsIn(v, found);
  return found;
}

function toIncomingFile(upload: Upload): void {
  const arrived = upload.promise;
  const incoming: IncomingFile = {
    async open() {
      const file: FileUpload = await arrived;
      // 1 MiB reads of graphql-upload's buffer file (default 16 KiB): far fewer syscalls and chunks.
      // Throws when the file already failed to arrive.
      const stream = file.createReadStream({ highWaterMark: 1024 * 1024 });
      return { stream, filename: file.filename ?? null, mimetype: file.mimetype ?? null };
    },
  };
  (upload as { promise: Promise<unknown> }).promise = Promise.resolve(incoming);
}
