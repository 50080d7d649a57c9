// The single definition of how an API's requests are laid out in the bucket and
// how a request's status follows from the objects present. The gateway writes
// payloads and reads statuses, the dequeuer writes statuses and results, and the
// Pulumi components scope IAM policies and lifecycle rules to these prefixes.
//
//   <prefix>/registry/<api>.json                  the API's queue, written at deploy time
//   <prefix>/apis/<api>/<id>/payload              the request body, deleted once done
//   <prefix>/apis/<api>/<id>/status/in_progress   empty marker written at pickup
//   <prefix>/apis/<api>/<id>/result.json          terminal record: completed or failed
//
// result.json is exactly the body that `GET /<api>/<id>` returns for a finished
// request, so the gateway streams it without parsing. Its fields come in this order:
//
//   {"id":"<id>","status":"completed","result":<JSON text>,"timestamp":"<ISO 8601>"}
//   {"id":"<id>","status":"failed","reason":"<reason>","timestamp":"<ISO 8601>"}
//
// where <JSON text> is the JSON the user's container responded with, byte for
// byte apart from the whitespace around it (and converted to UTF-8 when it came
// in another charset), so integers above 2^53, key order and inner whitespace survive.

/** Days a request's objects are kept; the bucket's lifecycle rule expires them after this. */
export const RESULT_RETENTION_DAYS = 7;

export type RequestStatus = "in_queue" | "in_progress" | "completed" | "failed";

/** The terminal record stored as `result.json`, parsed. */
export type ResultRecord =
  | { id: string; status: "completed"; result: unknown; timestamp: string }
  | { id: string; status: "failed"; reason: string; timestamp: string };

/** Status of a request as derived from the objects under its prefix. */
export type ListedState =
  | { kind: "terminal" } // result.json exists: read it
  | { kind: "in_progress" }
  | { kind: "in_queue" }
  | { kind: "absent" } // nothing stored under the id
  | { kind: "partial" }; // leftovers without payload or result: expired or cleaned up

const API_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Names the gateway serves itself (`GET /healthz`), so no API may take them. */
export const RESERVED_API_NAMES: readonly string[] = ["healthz"];

/** Checks an API name: a DNS-1123 label, because it names Kubernetes objects too, and not reserved. */
export function isApiName(name: string): boolean {
  return API_NAME.test(name) && !RESERVED_API_NAMES.includes(name);
}

export class StorageLayout {
  readonly prefix: string;

  constructor(prefix: string) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(prefix)) {
      throw new Error(`invalid storage prefix "${prefix}": use letters, digits, '.', '_' or '-', with no slashes`);
    }
    this.prefix = prefix;
  }

  registryKey(api: string): string {
    return `${this.prefix}/registry/${api}.json`;
  }

  /** Prefix of every object of one API; IAM policies for its dequeuer are scoped to it. */
  apiPrefix(api: string): string {
    return `${this.prefix}/apis/${api}/`;
  }

  /** Prefix of every object of all APIs; the bucket's expiry rule applies to it. */
  apisPrefix(): string {
    return `${this.prefix}/apis/`;
  }

  requestPrefix(api: string, id: string): string {
    return `${this.apiPrefix(api)}${id}/`;
  }

  payloadKey(api: string, id: string): string {
    return `${this.requestPrefix(api, id)}payload`;
  }

  inProgressKey(api: string, id: string): string {
    return `${this.requestPrefix(api, id)}status/in_progress`;
  }

  resultKey(api: string, id: string): string {
    return `${this.requestPrefix(api, id)}result.json`;
  }

  /**
   * Derives a request's state from the keys listed under its prefix. The result
   * wins over every marker, so a late or repeated in_progress write can never
   * move a finished request backwards.
   */
  stateFromKeys(api: string, id: string, keys: readonly string[]): ListedState {
    const present = new Set(keys);

    if (present.has(this.resultKey(api, id))) return { kind: "terminal" };
    if (present.has(this.inProgressKey(api, id)) && present.has(this.payloadKey(api, id))) return { kind: "in_progress" };
    if (present.has(this.payloadKey(api, id))) return { kind: "in_queue" };
    if (present.size === 0) return { kind: "absent" };
    return { kind: "partial" };
  }
}

/**
 * Returns the text of a completed record before and after the result. The
 * container's JSON text goes between them unchanged, which is how the dequeuer
 * stores a result without parsing or copying it.
 */
export function completedRecordEnvelope(id: string, timestamp: string): { head: string; tail: string } {
  return {
    head: `{"id":${JSON.stringify(id)},"status":"completed","result":`,
    tail: `,"timestamp":${JSON.stringify(timestamp)}}`,
  };
}

export function encodeFailedRecord(id: string, reason: string, timestamp: string): string {
  return JSON.stringify({ id, status: "failed", reason, timestamp });
}

/** Encodes a record in the stored format, serialising a completed result with JSON.stringify. */
export function encodeResultRecord(record: ResultRecord): string {
  if (record.status === "failed") return encodeFailedRecord(record.id, record.reason, record.timestamp);

  const { head, tail } = completedRecordEnvelope(record.id, record.timestamp);
  return `${head}${JSON.stringify(record.result)}${tail}`;
}

/** Returns the text every stored record of request `id` starts with, whatever its status. */
export function resultRecordStart(id: string): string {
  return `{"id":${JSON.stringify(id)},"status":"`;
}

/** Parses a stored `result.json`; throws naming the key when it is not a result record. */
export function decodeResultRecord(text: string, key: string): ResultRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`stored result ${key} is not valid JSON`);
  }

  const record = parsed as Partial<ResultRecord> & Record<string, unknown>;
  if (typeof record !== "object" || record === null || typeof record.id !== "string") {
    throw new Error(`stored result ${key} has no id`);
  }
  if (typeof record.timestamp !== "string") {
    throw new Error(`stored result ${key} has no timestamp`);
  }
  if (record.status === "completed" && "result" in record) return record as ResultRecord;
  if (record.status === "failed" && typeof record.reason === "string") return record as ResultRecord;
  throw new Error(`stored result ${key} has an unknown status ${JSON.stringify(record.status)}`);
}

/** An API's entry in the registry: how the gateway finds the queue of `POST /<api>`. */
export interface ApiRegistration {
  name: string;
  queueUrl: string;
  deadLetterQueueUrl?: string;
}

export function decodeApiRegistration(text: string, key: string): ApiRegistration {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`registry entry ${key} is not valid JSON`);
  }

  const entry = parsed as Partial<ApiRegistration>;
  if (typeof entry?.name !== "string" || !isApiName(entry.name)) {
    throw new Error(`registry entry ${key} has an invalid name`);
  }
  if (typeof entry.queueUrl !== "string" || entry.queueUrl === "") {
    throw new Error(`registry entry ${key} has no queueUrl`);
  }
  return { name: entry.name, queueUrl: entry.queueUrl, ...(entry.deadLetterQueueUrl ? { deadLetterQueueUrl: entry.deadLetterQueueUrl } : {}) };
}
