import { completedRecordEnvelope, encodeFailedRecord } from "../shared/storage-layout.js";
import type { JsonText } from "./container-response.js";

/** A `result.json` to upload: its bytes as chunks in order, and their total length. */
export interface EncodedRecord {
  chunks: readonly Buffer[];
  byteLength: number;
}

/**
 * Encodes a completed record around the JSON text the container sent. The
 * text's chunks go in as they are, neither parsed nor copied, so integers above
 * 2^53 and key order stay exact and the response is in memory only once.
 * `result` must already be known to be one JSON text.
 */
export function completedRecord(id: string, result: JsonText, timestamp: Date): EncodedRecord {
  const { head, tail } = completedRecordEnvelope(id, timestamp.toISOString());
  const headBytes = Buffer.from(head);
  const tailBytes = Buffer.from(tail);
  return { chunks: [headBytes, ...result.chunks, tailBytes], byteLength: headBytes.length + result.byteLength + tailBytes.length };
}

export function failedRecord(id: string, reason: string, timestamp: Date): EncodedRecord {
  const bytes = Buffer.from(encodeFailedRecord(id, reason, timestamp.toISOString()));
  return { chunks: [bytes], byteLength: bytes.length };
}
