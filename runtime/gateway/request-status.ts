import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { requestIdTime } from "../shared/request-id.js";
import { RESULT_RETENTION_DAYS, resultRecordStart, type StorageLayout } from "../shared/storage-layout.js";
import { openObject, peekBytes, type OpenedObject } from "./read-object.js";

/** The JSON body of `GET /<api>/<id>` while the request is not finished. */
export interface PendingStatus {
  id: string;
  status: "in_queue" | "in_progress";
}

export type StatusLookup =
  | { kind: "pending"; body: PendingStatus }
  // The stored result.json, which is the body of the reply as it is.
  | { kind: "finished"; record: OpenedObject; key: string }
  | { kind: "not_found" }
  | { kind: "expired" }
  | { kind: "invalid_result"; error: Error };

export interface StatusSource {
  s3: S3Client;
  bucket: string;
  layout: StorageLayout;
  /** Clock in Unix milliseconds. */
  now: () => number;
}

const RETENTION_MS = RESULT_RETENTION_DAYS * 24 * 60 * 60 * 1000;

/**
 * Reads a request's status from S3. A finished request costs one GetObject of
 * its result, whose body the caller streams to the client and must consume or
 * destroy. Otherwise one ListObjectsV2 of the request's prefix decides.
 * The result record wins over every marker, so the status never goes backwards
 * whatever order the dequeuer's writes land in. S3 failures other than a missing
 * key are thrown.
 */
export async function readRequestStatus(source: StatusSource, api: string, id: string): Promise<StatusLookup> {
  const first = await readResult(source, api, id);
  if (first !== undefined) return first;

  const state = await listState(source, api, id);
  switch (state) {
    case "terminal": {
      // The result appeared between the GetObject and the listing.
      const second = await readResult(source, api, id);
      return second ?? { kind: "expired" };
    }
    case "in_progress":
    case "in_queue":
      return { kind: "pending", body: { id, status: state } };
    case "absent":
      return source.now() - requestIdTime(id) > RETENTION_MS ? { kind: "expired" } : { kind: "not_found" };
    case "partial":
      return { kind: "expired" };
  }
}

async function readResult(source: StatusSource, api: string, id: string): Promise<StatusLookup | undefined> {
  const key = source.layout.resultKey(api, id);
  const record = await openObject(source.s3, source.bucket, key);
  if (record === undefined) return undefined;

  // The record goes to the client unparsed, so only its start is checked: a
  // record of another request or in another format must not be served as this one.
  const expected = Buffer.from(resultRecordStart(id));
  let start: Buffer;
  try {
    start = await peekBytes(record.body, expected.length);
  } catch (error) {
    record.body.destroy();
    throw error;
  }
  if (!start.equals(expected)) {
    record.body.destroy();
    return { kind: "invalid_result", error: new Error(`stored result ${key} does not start with ${expected.toString()}, so it is not a record of request ${id}`) };
  }
  return { kind: "finished", record, key };
}

async function listState(source: StatusSource, api: string, id: string) {
  const listing = await source.s3.send(
    new ListObjectsV2Command({ Bucket: source.bucket, Prefix: source.layout.requestPrefix(api, id), MaxKeys: 100 }),
  );
  const keys = (listing.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
  return source.layout.stateFromKeys(api, id, keys).kind;
}
