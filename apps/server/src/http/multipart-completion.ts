import type { Request, RequestHandler } from "express";

const TAIL_BYTES = 2048;

const completion = new WeakMap<Request, Promise<boolean>>();
const received = new WeakMap<Request, { bytes: number }>();

/**
 * Watches a multipart body for its closing delimiter (`--boundary--`). graphql-upload hands files to
 * resolvers as they stream, and a body that simply stops can end the last file cleanly before the
 * parser notices the form is incomplete; the media pipeline asks this before committing anything.
 * It also counts the body's bytes as they arrive: a refused upload is charged what it sent.
 */
export const trackMultipartCompletion: RequestHandler = (req, _res, next) => {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.get("content-type") ?? "");
  if (!req.is("multipart/form-data") || !boundary) return next();
  const closing = Buffer.from(`--${boundary[1] ?? boundary[2]}--`);
  let tail = Buffer.alloc(0);
  const count = { bytes: 0 };
  received.set(req, count);
  completion.set(
    req,
    new Promise<boolean>((resolve) => {
      req.on("data", (chunk: Buffer) => {
        count.bytes += chunk.length;
        // Only the last TAIL_BYTES matter: copy those, never a whole chunk (every file byte passes here).
        if (chunk.length >= TAIL_BYTES) tail = Buffer.from(chunk.subarray(chunk.length - TAIL_BYTES));
        else {
          tail = Buffer.concat([tail, chunk]);
          if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
        }
      });
      req.once("end", () => resolve(tail.includes(closing)));
      req.once("close", () => resolve(req.readableEnded && tail.includes(closing)));
    }),
  );
  next();
};

/** Resolves true once a tracked multipart body ended with its closing delimiter; true for other requests. */
export function multipartComplete(req: Request): Promise<boolean> {
  return completion.get(req) ?? Promise.resolve(true);
}

/** Body bytes of a tracked multipart request received so far (0 for other requests). */
export function multipartBytesReceived(req: Request): number {
  return received.get(req)?.bytes ?? 0;
}
