import { TextDecoder } from "node:util";

// Rules for what counts as a result: a 2xx status, a JSON media type and a body
// that parses as JSON. Everything else fails the request with a reason that
// names what was wrong, so the client can read it back from the result.

/** Largest response body read from the user's container before the request fails. */
// NOTE: the body is buffered, decoded and parsed whole, so a response near this
// limit takes several times its size in memory, far above the sidecar's 100 MiB request.
export const MAX_RESPONSE_BYTES = 100 * 1024 * 1024;

/** Bytes of a non-2xx response body quoted in the failure reason. */
export const REASON_BODY_BYTES = 512;
const REASON_BODY_CHARS = 200;

/** The outcome of a request to the user's container. */
export type ContainerOutcome =
  | { kind: "completed"; statusCode: number; resultJson: string }
  | { kind: "failed"; statusCode?: number; reason: string }
  // No response arrived: the container is starting or restarting, so the request is worth retrying.
  | { kind: "unreachable"; reason: string };

type MediaType = { type: string; charset?: string };

function parseMediaType(contentType: string): MediaType {
  const [type = "", ...parameters] = contentType.split(";");
  const media: MediaType = { type: type.trim().toLowerCase() };

  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=", 2);
    if (name.trim().toLowerCase() === "charset") media.charset = value.trim().replace(/^"(.*)"$/, "$1");
  }
  return media;
}

/** Checks for `application/json` or a structured `application/*+json` type, whatever its parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const { type } = parseMediaType(contentType);
  return type === "application/json" || /^application\/[^/\s]+\+json$/.test(type);
}

export function formatSize(bytes: number): string {
  const mebibyte = 1024 * 1024;
  return bytes % mebibyte === 0 ? `${bytes / mebibyte} MiB` : `${bytes} bytes`;
}

/** Builds the reason for a non-2xx status, quoting the start of the body. */
export function statusReason(statusCode: number, bodyStart: Buffer): string {
  const text = bodyStart.toString("utf8").replace(/\s+/g, " ").trim();
  if (text === "") return `status ${statusCode}`;

  const quoted = text.length > REASON_BODY_CHARS ? `${text.slice(0, REASON_BODY_CHARS)}...` : text;
  return `status ${statusCode}: ${quoted}`;
}

/** Returns the reason a response's content type is rejected, or undefined when it is JSON. */
export function contentTypeReason(contentType: string | undefined): string | undefined {
  if (!contentType) return "response has no content type, expected application/json";
  if (isJsonMediaType(contentType)) return undefined;
  return `content type ${parseMediaType(contentType).type} is not JSON`;
}

/**
 * Decodes a JSON response body in the charset its content type names (UTF-8
 * when it names none) and checks that it parses. Returns the JSON text, which
 * is stored as it came so that large integers and key order survive.
 */
export function decodeJsonBody(body: Buffer, contentType: string): { ok: true; json: string } | { ok: false; reason: string } {
  const charset = parseMediaType(contentType).charset ?? "utf-8";

  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    return { ok: false, reason: `charset ${charset} is not supported, send UTF-8 JSON` };
  }

  let text: string;
  try {
    text = decoder.decode(body);
  } catch {
    return { ok: false, reason: `response is not JSON: the body is not valid ${charset}` };
  }

  try {
    JSON.parse(text);
  } catch {
    return { ok: false, reason: "response is not JSON" };
  }
  // JSON.parse accepted the text, so anything trim() removes is JSON whitespace.
  return { ok: true, json: text.trim() };
}
