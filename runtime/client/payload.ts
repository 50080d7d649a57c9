import { Readable } from "node:stream";

/**
 * A request payload. Strings, bytes and streams are sent as they are, and any
 * other value is serialized as JSON. To send a JSON string, pass `JSON.stringify(text)`
 * with the content type `application/json`.
 */
export type Payload = string | Uint8Array | Readable | ReadableStream<Uint8Array> | JsonValue;

/** A value for JSON.stringify: null, a boolean, a number, an array or a plain object. */
export type JsonValue = null | boolean | number | object;

export interface EncodedPayload {
  body: string | Uint8Array | ReadableStream<Uint8Array>;
  contentType: string;
  /** Whether fetch must send the body as a stream (`duplex: "half"`). */
  streamed: boolean;
}

/** Turns a payload into a fetch body and the content type to send when the caller gives none. */
export function encodePayload(payload: Payload): EncodedPayload {
  if (payload === undefined) {
    throw new TypeError("payload is undefined: pass a string, bytes, a stream or a JSON value");
  }
  if (typeof payload === "string") {
    return { body: payload, contentType: "text/plain; charset=utf-8", streamed: false };
  }
  if (payload instanceof Uint8Array) {
    return { body: payload, contentType: "application/octet-stream", streamed: false };
  }
  if (payload instanceof Readable) {
    return { body: Readable.toWeb(payload) as ReadableStream<Uint8Array>, contentType: "application/octet-stream", streamed: true };
  }
  if (payload instanceof ReadableStream) {
    return { body: payload, contentType: "application/octet-stream", streamed: true };
  }

  const json = JSON.stringify(payload);
  if (json === undefined) {
    throw new TypeError(`payload of type ${typeof payload} cannot be serialized as JSON`);
  }
  return { body: json, contentType: "application/json", streamed: false };
}
