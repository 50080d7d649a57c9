import { TextDecoder } from "node:util";
import { JsonValidator, type InvalidJson } from "./json-validator.js";

// Rules for what counts as a result: a 2xx status, a JSON media type and a body
// that is one JSON text. Everything else fails the request with a reason that
// names what was wrong, so the client can read it back from the result.

/**
 * Largest response body read from the user's container before the request fails.
 * The body is kept in memory once, as the chunks that arrived, until the result is stored.
 */
export const MAX_RESPONSE_BYTES = 100 * 1024 * 1024;

/** Bytes of a non-2xx response body quoted in the failure reason. */
export const REASON_BODY_BYTES = 512;
const REASON_BODY_CHARS = 200;

/** The outcome of a request to the user's container. */
export type ContainerOutcome =
  | { kind: "completed"; statusCode: number; result: JsonText }
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

/** JSON text in UTF-8, kept as the chunks it arrived in rather than copied into one buffer. */
export interface JsonText {
  chunks: readonly Buffer[];
  byteLength: number;
}

/**
 * Collects a JSON response body chunk by chunk and checks its syntax as it
 * arrives, so an invalid body fails at its first bad byte. A UTF-8 body is kept
 * as the chunks that arrived. A body in another charset that TextDecoder supports
 * is converted to UTF-8 chunk by chunk, and the result stores the conversion.
 * Either way the body is in memory once.
 */
export class JsonResponseBody {
  private readonly chunks: Buffer[] = [];
  private readonly validator = new JsonValidator();
  private failure: string | undefined;

  private constructor(
    private readonly charset: string,
    /** Converts a body in another charset to UTF-8; undefined for UTF-8 bodies. */
    private readonly converter: TextDecoder | undefined,
  ) {}

  /** Starts collecting a body of `contentType`, or returns the reason its charset is rejected. */
  static open(contentType: string): { ok: true; body: JsonResponseBody } | { ok: false; reason: string } {
    const charset = parseMediaType(contentType).charset ?? "utf-8";

    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(charset, { fatal: true });
    } catch {
      return { ok: false, reason: `charset ${charset} is not supported, send UTF-8 JSON` };
    }
    // `encoding` is the canonical name, so "utf8" and "UTF-8" both give "utf-8".
    const converter = decoder.encoding === "utf-8" ? undefined : decoder;
    return { ok: true, body: new JsonResponseBody(charset, converter) };
  }

  /** Adds the next chunk of the body. Returns the failure reason once the body cannot be JSON. */
  write(chunk: Buffer): string | undefined {
    if (this.failure === undefined) this.add(this.converter ? this.convert(chunk, true) : chunk);
    return this.failure;
  }

  /** Ends the body. Returns its JSON text without the byte order mark and the whitespace around the value. */
  end(): { ok: true; json: JsonText } | { ok: false; reason: string } {
    if (this.converter && this.failure === undefined) this.add(this.convert(Buffer.alloc(0), false));

    const invalid = this.failure === undefined ? this.validator.end() : undefined;
    if (invalid) this.failure = this.reason(invalid);
    if (this.failure !== undefined) return { ok: false, reason: this.failure };
    return { ok: true, json: this.slice(this.validator.valueStart, this.validator.valueEnd) };
  }

  /** Keeps and checks UTF-8 bytes of the body. */
  private add(bytes: Buffer | undefined): void {
    if (bytes === undefined || bytes.length === 0) return;

    this.chunks.push(bytes);
    const invalid = this.validator.write(bytes);
    if (invalid) this.failure = this.reason(invalid);
  }

  /** Converts bytes of the declared charset to UTF-8; `stream` keeps a sequence cut at the chunk's end for the next call. */
  private convert(chunk: Buffer, stream: boolean): Buffer | undefined {
    try {
      return Buffer.from(this.converter!.decode(chunk, { stream }), "utf8");
    } catch {
      this.failure = `response is not JSON: the body is not valid ${this.charset}`;
      return undefined;
    }
  }

  private reason(invalid: InvalidJson): string {
    // Offsets count the bytes checked, which for a converted body are those of its UTF-8 form.
    const where = this.converter ? `at byte ${invalid.offset} of the body converted to UTF-8` : `at byte ${invalid.offset}`;
    if (invalid.kind === "encoding") return `response is not JSON: the body is not valid ${this.charset} ${where}`;
    return `response is not JSON: ${invalid.message} ${where}`;
  }

  /** Returns the bytes from offset `start` to `end` as views of the collected chunks, without copying. */
  private slice(start: number, end: number): JsonText {
    const chunks: Buffer[] = [];
    let offset = 0;
    for (const chunk of this.chunks) {
      const from = Math.max(start - offset, 0);
      const to = Math.min(end - offset, chunk.length);
      if (from < to) chunks.push(from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to));
      offset += chunk.length;
    }
    return { chunks, byteLength: end - start };
  }
}
