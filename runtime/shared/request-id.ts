import { randomBytes } from "node:crypto";

// Request ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds followed by
// 74 random bits from the OS CSPRNG. The random part makes ids unguessable and
// the time part lets the gateway tell an expired request from an unknown one.
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Creates a new request id for a submission received at `nowMs`. */
export function newRequestId(nowMs: number = Date.now()): string {
  const bytes = randomBytes(16);

  bytes.writeUIntBE(nowMs, 0, 6);
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);

  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Checks that `id` has the shape of an id from `newRequestId` (lowercase UUIDv7). */
export function isRequestId(id: string): boolean {
  return UUID_V7.test(id);
}

/** Returns the submission time embedded in a request id, in Unix milliseconds. */
export function requestIdTime(id: string): number {
  return Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
