import { createHash, randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";

// s3rver 3.7.1 writes an object straight into the file it serves it from, and an
// object counts as present as soon as that file exists. So a GET that races a PUT
// of the same key (the gateway reading result.json while the dequeuer writes it)
// returns an empty or truncated body. S3 never serves a partial object, so this
// replaces s3rver's putObject: the body goes to a temporary file that is renamed
// into place once complete, after its metadata is stored.

/** The part of s3rver's FilesystemStore (lib/stores/filesystem.js) that PutObject uses. */
export interface S3rverFilesystemStore {
  getResourcePath(bucket: string, key: string, resource: string): string;
  putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
}

interface S3rverObject {
  bucket: string;
  key: string;
  metadata: Record<string, string>;
  content: Buffer | Readable;
}

/** Replaces `store.putObject` with a version whose objects appear only once fully written. */
export function makePutObjectAtomic(store: S3rverFilesystemStore): void {
  store.putObject = async (object) => {
    const objectPath = store.getResourcePath(object.bucket, object.key, "object");
    // The suffix keeps s3rver's listing, which matches files ending in "._S3rver_object", from seeing it.
    const partialPath = `${objectPath}.${randomUUID()}.partial`;
    await mkdir(dirname(objectPath), { recursive: true });

    const md5 = createHash("md5");
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });

    const source = Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content;
    try {
      await pipeline(source, measure, createWriteStream(partialPath));
      const digest = md5.digest("hex");
      await store.putMetadata(object.bucket, object.key, object.metadata, digest);
      await rename(partialPath, objectPath);
      return { size, md5: digest };
    } catch (error) {
      await rm(partialPath, { force: true });
      throw error;
    }
  };
}
