import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Readable } from "node:stream";
import type { StorageLayout } from "../shared/storage-layout.js";

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
  /** Stores `result.json`; `record` is an encoded ResultRecord. */
  putResult(id: string, record: string): Promise<void>;
  deletePayload(id: string): Promise<void>;
  deleteInProgress(id: string): Promise<void>;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string }).name;
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

  async putResult(id: string, record: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: this.layout.resultKey(this.api, id), Body: record, ContentType: "application/json" }),
    );
  }

  async deletePayload(id: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.layout.payloadKey(this.api, id) }));
  }

  async deleteInProgress(id: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.layout.inProgressKey(this.api, id) }));
  }
}
