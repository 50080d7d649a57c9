import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import { setTimeout as delay } from "node:timers/promises";
import type { Logger } from "pino";
import type { StorageLayout } from "../shared/storage-layout.js";
import { Backoff } from "./backoff.js";
import type { EncodedRecord } from "./result-record.js";

/** Tries of one `result.json` upload, as many as the SDK makes of other calls by default. */
const PUT_RESULT_ATTEMPTS = 3;

export interface StoredPayload {
  body: Readable;
  /** Size in bytes when S3 reports it, so the body can be sent with a Content-Length. */
  contentLength?: number;
}

/** The objects of one API's requests that the dequeuer reads and writes. */
export interface RequestStore {
  resultExists(id: string): Promise<boolean>;
  putInProgress(id: string): Promise<void>;
  /** Returns undefined when there is no payload: the submit was rolled back, or the request is done. */
  getPayload(id: string): Promise<StoredPayload | undefined>;
  /** Stores `result.json`, trying again on transient failures and logging each retry to `log`. */
  putResult(id: string, record: EncodedRecord, log: Logger): Promise<void>;
  deletePayload(id: string): Promise<void>;
  deleteInProgress(id: string): Promise<void>;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string }).name;
}

/**
 * Checks whether an S3 call may succeed when sent again: no response at all,
 * a server error, throttling, or S3's RequestTimeout for a body sent too slowly.
 */
function isTransient(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status === undefined) return true;
  return status >= 500 || status === 429 || errorName(error) === "RequestTimeout";
}

/** A RequestStore on S3, scoped to one API's prefix. */
export class S3RequestStore implements RequestStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly layout: StorageLayout,
    private readonly api: string,
  ) {}

  async resultExists(id: string): Promise<boolean> {
    try {
      await this.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.layout.resultKey(this.api, id) }));
      return true;
    } catch (error) {
      // HEAD responses have no body, so S3 reports a missing key as a bare NotFound.
      if (errorName(error) === "NotFound" || errorName(error) === "NoSuchKey") return false;
      throw error;
    }
  }

  async putInProgress(id: string): Promise<void> {
    // An explicit length: the SDK sends none for an empty body and then warns about streams of unknown length.
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.layout.inProgressKey(this.api, id), Body: "", ContentLength: 0 }));
  }

  async getPayload(id: string): Promise<StoredPayload | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.layout.payloadKey(this.api, id) }));
      const body = object.Body as Readable;
      return object.ContentLength === undefined ? { body } : { body, contentLength: object.ContentLength };
    } catch (error) {
      if (errorName(error) === "NoSuchKey") return undefined;
      throw error;
    }
  }

  async putResult(id: string, record: EncodedRecord, log: Logger): Promise<void> {
    const key = this.layout.resultKey(this.api, id);
    const backoff = new Backoff(200, 2_000);

    // The body streams from the chunks, so a record the size of the response is not copied.
    // The SDK does not retry a streamed body, which it cannot read twice, so this loop
    // does, with a fresh stream over the same chunks each time.
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.s3.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: Readable.from(record.chunks, { objectMode: false }),
            ContentLength: record.byteLength,
            ContentType: "application/json",
          }),
        );
        return;
      } catch (error) {
        if (attempt >= PUT_RESULT_ATTEMPTS || !isTransient(error)) throw error;

        const delayMs = Math.round(backoff.nextDelayMs());
        log.warn({ err: error, key, attempt, retryInMs: delayMs }, "storing the result failed, trying again");
        await delay(delayMs);
      }
    }
  }

  async deletePayload(id: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.layout.payloadKey(this.api, id) }));
  }

  async deleteInProgress(id: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.layout.inProgressKey(this.api, id) }));
  }
}
