import { Transform, type Readable, type TransformCallback } from "node:stream";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

// Request bodies are streamed to S3 and never buffered whole. A body of at most one
// part goes up in a single PutObject. A larger one becomes a multipart upload with
// at most QUEUE_SIZE parts in flight, so one upload buffers about
// (QUEUE_SIZE + 1) x MAX_PART_BYTES whatever the body's size.
// NOTE: concurrent uploads are not capped, so memory grows with each large upload in flight.

/** Size of one multipart part. S3 requires at least 5 MiB for every part but the last. */
export const MAX_PART_BYTES = 8 * 1024 * 1024;

/** S3 allows at most 10,000 parts in one multipart upload. */
export const MAX_PARTS = 10_000;

const QUEUE_SIZE = 2;

/** A body that must not be kept. Nothing was stored, though parts of an aborted multipart upload may remain. */
export abstract class RejectedBodyError extends Error {
  /**
   * The S3 error that the upload reported in place of this one, usually from a failed
   * AbortMultipartUpload. S3 then keeps the uploaded parts until a lifecycle rule removes them.
   */
  cleanupError?: unknown;
}

/** The body grew past the payload limit. */
export class PayloadTooLargeError extends RejectedBodyError {
  override name = "PayloadTooLargeError";

  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
  }
}

/** The client closed the connection before the body was complete. */
export class ClientAbortedError extends RejectedBodyError {
  override name = "ClientAbortedError";

  constructor() {
    super("client closed the connection before the request body was complete");
  }
}

export interface PayloadUploadOptions {
  s3: S3Client;
  bucket: string;
  key: string;
  /** Content type stored with the object. S3 applies its default when this is null. */
  contentType: string | null;
  /** The request body, read once. */
  body: Readable;
  maxBytes: number;
}

/**
 * Streams a request body to `key` and returns its size in bytes. Throws a
 * RejectedBodyError for a body that must not be kept, or else the S3 error. After
 * a throw no object exists at `key`, because a single PutObject is only sent once
 * the body ended and a multipart upload is aborted.
 */
export async function uploadPayload(options: PayloadUploadOptions): Promise<number> {
  const { body } = options;
  const counter = new ByteCounter(options.maxBytes);

  // A body that closes before its end was aborted by the client. Destroying the
  // counter with an error makes the upload fail, where a plain end would store a
  // truncated body.
  const onClose = () => {
    if (!body.readableEnded) counter.fail(new ClientAbortedError());
  };
  body.once("error", onClose);
  body.once("close", onClose);
  body.pipe(counter);

  const upload = new Upload({
    client: options.s3,
    params: {
      Bucket: options.bucket,
      Key: options.key,
      Body: counter,
      ...(options.contentType === null ? {} : { ContentType: options.contentType }),
    },
    partSize: MAX_PART_BYTES,
    queueSize: QUEUE_SIZE,
    leavePartsOnError: false,
  });

  try {
    await upload.done();
    return counter.bytes;
  } catch (error) {
    // When AbortMultipartUpload fails, Upload.done() throws its error in place of
    // the body's, so the body's failure is taken from the counter.
    const rejection = counter.failure;
    if (rejection === undefined) throw error;
    if (rejection !== error) rejection.cleanupError = error;
    throw rejection;
  } finally {
    body.off("error", onClose);
    body.off("close", onClose);
    body.unpipe(counter);
    counter.destroy();
  }
}

/** Passes bytes through and fails once more than `limitBytes` have gone by. */
class ByteCounter extends Transform {
  bytes = 0;
  failure: RejectedBodyError | undefined;

  constructor(private readonly limitBytes: number) {
    super();
  }

  /** Ends the stream with `error`, which the upload then reads as the body's failure. */
  fail(error: RejectedBodyError): void {
    this.failure ??= error;
    this.destroy(error);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limitBytes) {
      this.failure ??= new PayloadTooLargeError(this.limitBytes);
      callback(this.failure);
      return;
    }
    callback(null, chunk);
  }
}
