import { encodeResultRecord } from "../shared/storage-layout.js";

/**
 * Encodes a completed ResultRecord around the JSON text the container sent.
 * Splicing the text in, where JSON.stringify(JSON.parse(text)) would re-encode
 * it, keeps integers above 2^53 exact and keeps the key order of the response.
 * `resultJson` must already be known to parse.
 */
export function encodeCompletedRecord(resultJson: string, timestamp: Date): string {
  return `{"status":"completed","timestamp":${JSON.stringify(timestamp.toISOString())},"result":${resultJson}}`;
}

export function encodeFailedRecord(reason: string, timestamp: Date): string {
  return encodeResultRecord({ status: "failed", timestamp: timestamp.toISOString(), reason });
}
