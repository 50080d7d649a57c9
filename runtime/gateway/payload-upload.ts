import { Transform, type Readable, type TransformCallback } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from "@aws-sdk/client-s3";

// Request bodies are streamed to S3 and never buffered whole. A body of at most one
// part goes up in a single PutObject. A larger one becomes a multipart upload whose
// parts are copied into QUEUE_SIZE + 1 buffers, reused from part to part, while
// QUEUE_SIZE parts upload and the next one fills. One upload so keeps
// (QUEUE_SIZE + 1) x MAX_PART_BYTES = 15 MiB whatever the body's size. Because no
// buffer is allocated per part, dead parts do not pile up between garbage collections.
// NOTE: concurrent uploads are not capped, so memory grows with each large upload in flight.

/**
 * Size of one multipart part: the least S3 accepts for every part but the last, to keep
 * the gateway's memory low. It caps a body at MAX_PARTS x 5 MiB, about 48.8 GiB.
 */
export const MAX_PART_BYTES = 5 * 1024 * 1024;

/** S3 allows at most 10,000 parts in one multipart upload. */
export const MAX_PARTS = 10_000;

/** Parts uploading at once. Two keep S3 busy while the next part fills from the client. */
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

  try {
    await storeBody(options, counter);
    return counter.bytes;
  } catch (error) {
    // When AbortMultipartUpload fails, its error is thrown in place of the body's,
    // so the body's failure is taken from the counter.
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

/** Stores the bytes of `source` at the key: in one PutObject when they fit in one part, else as a multipart upload. */
async function storeBody(options: PayloadUploadOptions, source: AsyncIterable<Buffer>): Promise<void> {
  const { s3, bucket, key } = options;
  const contentType = options.contentType === null ? {} : { ContentType: options.contentType };

  // The first part's worth of bytes stays in the chunks as they arrived, so a small
  // body costs no part-sized buffer.
  const chunks: Buffer[] = [];
  let bytes = 0;
  let multipart: MultipartUpload | undefined;

  try {
    for await (const chunk of source) {
      if (multipart !== undefined) {
        await multipart.write(chunk);
        continue;
      }

      chunks.push(chunk);
      bytes += chunk.length;
      if (bytes <= MAX_PART_BYTES) continue;

      multipart = new MultipartUpload(s3, { Bucket: bucket, Key: key, ...contentType });
      for (const early of chunks.splice(0)) await multipart.write(early);
    }

    if (multipart === undefined) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.concat(chunks, bytes), ...contentType }));
      return;
    }
    await multipart.complete();
  } catch (error) {
    // The error that ended the upload is thrown, unless aborting it fails too.
    await multipart?.abort();
    throw error;
  }
}

/**
 * One multipart upload, fed with bytes in order. Parts are cut at MAX_PART_BYTES
 * into a fixed set of reused buffers, and up to QUEUE_SIZE of them upload at once.
 */
class MultipartUpload {
  private readonly created: Promise<string>;
  private readonly parts: CompletedPart[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly free: Buffer[] = [];
  private buffersAllocated = 0;
  private nextPartNumber = 1;
  private current: Buffer | undefined;
  private filled = 0;
  private failure: unknown;

  constructor(
    private readonly s3: S3Client,
    private readonly params: { Bucket: string; Key: string; ContentType?: string },
  ) {
    this.created = s3.send(new CreateMultipartUploadCommand(params)).then((created) => {
      if (created.UploadId === undefined) throw new Error(`CreateMultipartUpload of ${params.Key} returned no upload id`);
      return created.UploadId;
    });
    // A failure is thrown from the next write or from complete(), not here.
    this.created.catch(() => undefined);
  }

  /** Copies `chunk` into the current part, and starts the part's upload once it is full. */
  async write(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (rest.length > 0) {
      const part = this.current ?? (await this.takeBuffer());
      this.current = part;

      const copied = rest.copy(part, this.filled);
      this.filled += copied;
      rest = rest.subarray(copied);
      if (this.filled === part.length) this.startPart();
    }
  }

  /** Uploads the last, partly filled part and completes the upload. */
  async complete(): Promise<void> {
    if (this.filled > 0) this.startPart();
    while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();

    const parts = [...this.parts].sort((a, b) => a.PartNumber! - b.PartNumber!);
    await this.s3.send(new CompleteMultipartUploadCommand({ ...this.ids(await this.created), MultipartUpload: { Parts: parts } }));
  }

  /** Waits for the parts under way, then aborts the upload so S3 drops the parts it has. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    let uploadId: string;
    try {
      uploadId = await this.created;
    } catch {
      // No upload was created, so there is nothing to abort.
      return;
    }
    await this.s3.send(new AbortMultipartUploadCommand(this.ids(uploadId)));
  }

  private ids(uploadId: string) {
    return { Bucket: this.params.Bucket, Key: this.params.Key, UploadId: uploadId };
  }

  private startPart(): void {
    const partNumber = this.nextPartNumber;
    // The byte counter rejects a body above the configured limit first; see PAYLOAD_CEILING_BYTES in config.ts.
    if (partNumber > MAX_PARTS) throw new Error(`the body of ${this.params.Key} needs more than ${MAX_PARTS} parts`);

    const buffer = this.current!;
    const body = buffer.subarray(0, this.filled);
    this.nextPartNumber += 1;
    this.current = undefined;
    this.filled = 0;

    const upload = this.uploadPart(partNumber, body).finally(() => {
      // The part's request has ended, retries included, so its buffer can take the next part.
      this.free.push(buffer);
      this.inFlight.delete(upload);
    });
    this.inFlight.add(upload);
  }

  /** Uploads one part and records its ETag. It never rejects: a failure is kept for the next write or complete(). */
  private async uploadPart(partNumber: number, body: Buffer): Promise<void> {
    try {
      const uploadId = await this.created;
      const result = await this.s3.send(new UploadPartCommand({ ...this.ids(uploadId), PartNumber: partNumber, Body: body }));
      if (result.ETag === undefined) throw new Error(`UploadPart ${partNumber} of ${this.params.Key} returned no ETag`);
      this.parts.push({ PartNumber: partNumber, ETag: result.ETag });
    } catch (error) {
      this.failure ??= error;
    }
  }

  /** Returns a free part buffer, waiting while QUEUE_SIZE parts upload and the pool is used up. */
  private async takeBuffer(): Promise<Buffer> {
    for (;;) {
      this.throwIfFailed();
      const buffer = this.free.pop();
      if (buffer !== undefined) return buffer;
      if (this.buffersAllocated <= QUEUE_SIZE) {
        this.buffersAllocated += 1;
        return Buffer.allocUnsafeSlow(MAX_PART_BYTES);
      }
      await Promise.race(this.inFlight);
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
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
