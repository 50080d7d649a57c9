import { GetObjectCommand, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";

/** An object being read from S3: its body arrives as a stream. */
export interface OpenedObject {
  body: Readable;
  /** Size in bytes, when S3 reports it. */
  contentLength?: number;
}

function isNoSuchKey(error: unknown): boolean {
  return error instanceof NoSuchKey || (error as { name?: unknown } | null)?.name === "NoSuchKey";
}

/** Starts reading an object. Returns undefined when the key does not exist and throws any other S3 error. */
export async function openObject(s3: S3Client, bucket: string, key: string): Promise<OpenedObject | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const body = (object.Body as Readable | undefined) ?? Readable.from([]);
    return object.ContentLength === undefined ? { body } : { body, contentLength: object.ContentLength };
  } catch (error) {
    if (isNoSuchKey(error)) return undefined;
    throw error;
  }
}

/** Reads an object as UTF-8 text. Returns undefined when the key does not exist and throws any other S3 error. */
export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    if (isNoSuchKey(error)) return undefined;
    throw error;
  }
}

/**
 * Reads the first `length` bytes of a stream and puts them back, so that the
 * next reader still gets every byte. When the stream ends first, it returns
 * all there was, and the stream is used up.
 */
export function peekBytes(body: Readable, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;

    const stopListening = () => {
      body.off("data", onData);
      body.off("end", onEnd);
      body.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < length) return;

      // Removing the listener does not stop a flowing stream, so pause it before more data is emitted.
      stopListening();
      body.pause();
      const start = Buffer.concat(chunks);
      body.unshift(start);
      resolve(start.subarray(0, length));
    };
    const onEnd = () => {
      stopListening();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stopListening();
      reject(error);
    };

    body.on("data", onData);
    body.once("end", onEnd);
    body.once("error", onError);
  });
}
