import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { requestIdTime } from "../shared/request-id.js";
import {
  RESULT_RETENTION_DAYS,
  decodeResultRecord,
  type RequestStatus,
  type ResultRecord,
  type StorageLayout,
} from "../shared/storage-layout.js";
import { readObjectText } from "./read-object.js";

/** The JSON body of `GET /<api>/<id>`. */
export interface StatusBody {
  id: string;
  status: RequestStatus;
  result?: unknown;
  reason?: string;
  timestamp?: string;
}

export type StatusLookup =
  | { kind: "found"; body: StatusBody }
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
 * its result. Otherwise one ListObjectsV2 of the request's prefix decides.
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
      return { kind: "found", body: { id, status: state } };
    case "absent":
      return source.now() - requestIdTime(id) > RETENTION_MS ? { kind: "expired" } : { kind: "not_found" };
    case "partial":
      return { kind: "expired" };
  }
}

async function readResult(source: StatusSource, api: string, id: string): Promise<StatusLookup | undefined> {
  const key = source.layout.resultKey(api, id);

  // NOTE: the result is read whole into memory on every poll, so a result of many MiB costs that much per GET.
  const text = await readObjectText(source.s3, source.bucket, key);
  if (text === undefined) return undefined;

  let record: ResultRecord;
  try {
    record = decodeResultRecord(text, key);
  } catch (error) {
    return { kind: "invalid_result", error: error as Error };
  }

  if (record.status === "completed") {
    return { kind: "found", body: { id, status: "completed", result: record.result, timestamp: record.timestamp } };
  }
  return { kind: "found", body: { id, status: "failed", reason: record.reason, timestamp: record.timestamp } };
}

async function listState(source: StatusSource, api: string, id: string) {
  const listing = await source.s3.send(
    new ListObjectsV2Command({ Bucket: source.bucket, Prefix: source.layout.requestPrefix(api, id), MaxKeys: 100 }),
  );
  const keys = (listing.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
  return source.layout.stateFromKeys(api, id, keys).kind;
}
