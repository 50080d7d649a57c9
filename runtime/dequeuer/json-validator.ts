// A streaming syntax check of JSON text (RFC 8259) in UTF-8 that builds no
// values: bytes go in chunk by chunk as they arrive, and the only state kept
// besides a few counters is one bit per open array or object. It checks the
// UTF-8 encoding of strings as it goes, so the bytes never need decoding.
//
// It accepts exactly what JSON.parse accepts after a fatal UTF-8 TextDecoder,
// which the differential test in test/runtime/dequeuer checks:
// - one value with optional whitespace (space, tab, LF, CR) around it;
// - a leading byte order mark, which RFC 8259 section 8.1 lets parsers ignore;
// - \u escapes of lone surrogates, which the grammar allows;
// - no raw surrogates, overlong forms or other invalid UTF-8 in strings.

export interface InvalidJson {
  /** `encoding` when the bytes are not UTF-8, `syntax` when the text is not JSON. */
  kind: "encoding" | "syntax";
  /** Description of what was expected and what was found, e.g. `expected ":" after a key, found character "x"`. */
  message: string;
  /** Offset of the offending byte from the start of the input, or the input's length at its end. */
  offset: number;
}

// One state per place in the grammar.
const VALUE = 0; // a value must start: at the top, after ":" or after "," in an array
const ARRAY_FIRST = 1; // after "[": a value or "]"
const OBJECT_FIRST = 2; // after "{": a key or "}"
const OBJECT_KEY = 3; // after "," in an object: a key
const COLON = 4; // after a key
const AFTER_VALUE = 5; // after a value in an array or object: "," or the closing bracket
const DONE = 6; // after the top-level value: whitespace only
const STRING = 7;
const ESCAPE = 8; // after "\" in a string
const UNICODE_ESCAPE = 9; // in the four hex digits after "\u"
const UTF8_CONTINUATION = 10; // in a multi-byte UTF-8 sequence inside a string
const MINUS = 11; // after a leading "-"
const ZERO = 12; // after an integer part of "0"
const INTEGER = 13; // in the digits of an integer part that starts with 1 to 9
const FRACTION_FIRST = 14; // after "."
const FRACTION = 15;
const EXPONENT_SIGN = 16; // after "e" or "E"
const EXPONENT_FIRST = 17; // after the exponent's sign
const EXPONENT = 18;
const LITERAL = 19; // inside true, false or null
const BYTE_ORDER_MARK = 20; // inside EF BB BF at offset 0
const FAILED = 21;

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS_SIGN = 0x2d;
const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;
const DIGIT_9 = 0x39;
const COLON_SIGN = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** The literals true, false and null, by their first byte. */
const LITERALS = new Map(["true", "false", "null"].map((literal) => [literal.charCodeAt(0), Buffer.from(literal)]));
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Characters that may follow "\" in a string, apart from "u". */
const SHORT_ESCAPES = new Set([...'"\\/bfnrt'].map((character) => character.charCodeAt(0)));

function isWhitespace(byte: number): boolean {
  return byte === SPACE || byte === LF || byte === CR || byte === TAB;
}

function isDigit(byte: number): boolean {
  return byte >= DIGIT_0 && byte <= DIGIT_9;
}

function isHexDigit(byte: number): boolean {
  return isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** Names a byte for a message: `character "x"` when printable ASCII, `byte 0xff` otherwise. */
function describeByte(byte: number): string {
  if (byte > SPACE && byte < 0x7f) return `character ${JSON.stringify(String.fromCharCode(byte))}`;
  if (byte === SPACE) return 'character " "';
  return `byte 0x${byte.toString(16).padStart(2, "0")}`;
}

/**
 * Checks that a byte stream is exactly one JSON text in UTF-8. Call `write`
 * with each chunk and `end` after the last one. Both return the first error
 * and keep returning it. After a successful `end`, `valueStart` and `valueEnd`
 * give the bytes of the value without the byte order mark and whitespace around it.
 */
export class JsonValidator {
  private state = VALUE;
  /** Bytes consumed by earlier `write` calls. */
  private offset = 0;
  private depth = 0;
  /** Bit `d` is set when the container at depth `d` is an object, clear when an array. */
  private containers = new Uint8Array(16);
  private inKey = false;
  /** Hex digits left in a \u escape, or continuation bytes left in a UTF-8 sequence. */
  private remaining = 0;
  /** Range of the next continuation byte, narrowed after E0, ED, F0 and F4 (Unicode table 3-7). */
  private lowerBound = 0x80;
  private upperBound = 0xbf;
  /** The literal being read, set at its first byte. */
  private literal = Buffer.alloc(0);
  private literalIndex = 0;
  private startOffset = -1;
  private endOffset = -1;
  private failure: InvalidJson | undefined;

  /** Offset of the value's first byte. Valid after `end` returned no error. */
  get valueStart(): number {
    return this.startOffset;
  }

  /** Offset just past the value's last byte. Valid after `end` returned no error. */
  get valueEnd(): number {
    return this.endOffset;
  }

  write(chunk: Uint8Array): InvalidJson | undefined {
    let index = 0;
    while (index < chunk.length && this.failure === undefined) index = this.step(chunk, index);
    this.offset += chunk.length;
    return this.failure;
  }

  end(): InvalidJson | undefined {
    if (this.failure) return this.failure;

    const length = this.offset;
    if (this.state === ZERO || this.state === INTEGER || this.state === FRACTION || this.state === EXPONENT) this.completeValue(length);
    if (this.state === DONE) return undefined;
    this.fail("syntax", `expected ${this.expectation()}, found the end of the body`, length);
    return this.failure;
  }

  /** Consumes bytes from `index` on while the state allows, and returns the index of the first byte not consumed. */
  private step(chunk: Uint8Array, index: number): number {
    const byte = chunk[index]!;
    const position = this.offset + index;

    switch (this.state) {
      case VALUE:
      case ARRAY_FIRST:
        if (isWhitespace(byte)) return index + 1;
        if (byte === CLOSE_BRACKET && this.state === ARRAY_FIRST) {
          this.closeContainer(position);
          return index + 1;
        }
        return this.startValue(byte, position) ? index + 1 : index;

      case OBJECT_FIRST:
      case OBJECT_KEY:
        if (isWhitespace(byte)) return index + 1;
        if (byte === QUOTE) {
          this.inKey = true;
          this.state = STRING;
        } else if (byte === CLOSE_BRACE && this.state === OBJECT_FIRST) {
          this.closeContainer(position);
        } else {
          this.fail("syntax", `expected ${this.expectation()}, found ${describeByte(byte)}`, position);
        }
        return index + 1;

      case COLON:
        if (isWhitespace(byte)) return index + 1;
        if (byte === COLON_SIGN) this.state = VALUE;
        else this.fail("syntax", `expected ":" after a key, found ${describeByte(byte)}`, position);
        return index + 1;

      case AFTER_VALUE:
        if (isWhitespace(byte)) return index + 1;
        this.afterValue(byte, position);
        return index + 1;

      case DONE:
        if (isWhitespace(byte)) return index + 1;
        this.fail("syntax", `expected the end of the body after the JSON value, found ${describeByte(byte)}`, position);
        return index + 1;

      case STRING:
        return this.stringBytes(chunk, index);

      case ESCAPE:
        if (byte === LOWER_U) {
          this.remaining = 4;
          this.state = UNICODE_ESCAPE;
        } else if (SHORT_ESCAPES.has(byte)) {
          this.state = STRING;
        } else {
          this.fail("syntax", `expected an escape character after "\\" in a string, found ${describeByte(byte)}`, position);
        }
        return index + 1;

      case UNICODE_ESCAPE:
        if (!isHexDigit(byte)) {
          this.fail("syntax", `expected a hex digit in a \\u escape, found ${describeByte(byte)}`, position);
          return index;
        }
        this.remaining -= 1;
        if (this.remaining === 0) this.state = STRING;
        return index + 1;

      case UTF8_CONTINUATION:
        if (byte < this.lowerBound || byte > this.upperBound) {
          this.fail("encoding", `invalid UTF-8 byte 0x${byte.toString(16)}`, position);
          return index;
        }
        this.lowerBound = 0x80;
        this.upperBound = 0xbf;
        this.remaining -= 1;
        if (this.remaining === 0) this.state = STRING;
        return index + 1;

      case LITERAL:
        if (byte !== this.literal[this.literalIndex]) {
          this.fail("syntax", `expected ${JSON.stringify(this.literal.toString())}, found ${describeByte(byte)}`, position);
          return index;
        }
        this.literalIndex += 1;
        if (this.literalIndex === this.literal.length) this.completeValue(position + 1);
        return index + 1;

      case BYTE_ORDER_MARK:
        if (byte !== BOM[this.literalIndex]) {
          this.fail("syntax", `expected a value, found byte 0x${BOM[0]!.toString(16)}`, 0);
          return index;
        }
        this.literalIndex += 1;
        if (this.literalIndex === BOM.length) this.state = VALUE;
        return index + 1;

      default:
        return this.numberBytes(chunk, index);
    }
  }

  /** Starts the value whose first byte is `byte`; returns false when no value starts with it. */
  private startValue(byte: number, position: number): boolean {
    if (position === 0 && byte === BOM[0]) {
      this.literalIndex = 1;
      this.state = BYTE_ORDER_MARK;
      return true;
    }
    if (this.depth === 0) this.startOffset = position;

    if (byte === OPEN_BRACE) {
      this.openContainer(true);
      this.state = OBJECT_FIRST;
    } else if (byte === OPEN_BRACKET) {
      this.openContainer(false);
      this.state = ARRAY_FIRST;
    } else if (byte === QUOTE) {
      this.inKey = false;
      this.state = STRING;
    } else if (byte === MINUS_SIGN) {
      this.state = MINUS;
    } else if (byte === DIGIT_0) {
      this.state = ZERO;
    } else if (byte >= DIGIT_1 && byte <= DIGIT_9) {
      this.state = INTEGER;
    } else if (LITERALS.has(byte)) {
      this.literal = LITERALS.get(byte)!;
      this.literalIndex = 1;
      this.state = LITERAL;
    } else {
      this.fail("syntax", `expected ${this.expectation()}, found ${describeByte(byte)}`, position);
      return false;
    }
    return true;
  }

  private afterValue(byte: number, position: number): void {
    const inObject = this.inObject();
    if (byte === COMMA) {
      this.state = inObject ? OBJECT_KEY : VALUE;
    } else if (byte === (inObject ? CLOSE_BRACE : CLOSE_BRACKET)) {
      this.closeContainer(position);
    } else {
      this.fail("syntax", `expected ${this.expectation()}, found ${describeByte(byte)}`, position);
    }
  }

  /** Consumes string bytes up to the closing quote, an escape or a multi-byte sequence. */
  private stringBytes(chunk: Uint8Array, index: number): number {
    for (let next = index; next < chunk.length; next += 1) {
      const byte = chunk[next]!;
      if (byte >= SPACE && byte < 0x80 && byte !== QUOTE && byte !== BACKSLASH) continue;

      const position = this.offset + next;
      if (byte === QUOTE) {
        if (this.inKey) this.state = COLON;
        else this.completeValue(position + 1);
      } else if (byte === BACKSLASH) {
        this.state = ESCAPE;
      } else if (byte < SPACE) {
        this.fail("syntax", `found an unescaped control character 0x${byte.toString(16).padStart(2, "0")} in a string`, position);
        return next;
      } else if (!this.startUtf8Sequence(byte)) {
        this.fail("encoding", `invalid UTF-8 byte 0x${byte.toString(16)}`, position);
        return next;
      }
      return next + 1;
    }
    return chunk.length;
  }

  /** Sets up the checks of a multi-byte UTF-8 sequence led by `byte`, following the WHATWG UTF-8 decoder. */
  private startUtf8Sequence(byte: number): boolean {
    if (byte >= 0xc2 && byte <= 0xdf) {
      this.remaining = 1;
    } else if (byte >= 0xe0 && byte <= 0xef) {
      // E0 would start an overlong form below A0, and ED followed by A0 to BF encodes a surrogate.
      if (byte === 0xe0) this.lowerBound = 0xa0;
      if (byte === 0xed) this.upperBound = 0x9f;
      this.remaining = 2;
    } else if (byte >= 0xf0 && byte <= 0xf4) {
      // F0 would start an overlong form below 90, and F4 above 8F goes past U+10FFFF.
      if (byte === 0xf0) this.lowerBound = 0x90;
      if (byte === 0xf4) this.upperBound = 0x8f;
      this.remaining = 3;
    } else {
      return false;
    }
    this.state = UTF8_CONTINUATION;
    return true;
  }

  /** Consumes number bytes; a byte that cannot continue the number ends it without being consumed. */
  private numberBytes(chunk: Uint8Array, index: number): number {
    const byte = chunk[index]!;
    const position = this.offset + index;

    switch (this.state) {
      case MINUS:
        if (!isDigit(byte)) {
          this.fail("syntax", `expected a digit after "-", found ${describeByte(byte)}`, position);
          return index;
        }
        this.state = byte === DIGIT_0 ? ZERO : INTEGER;
        return index + 1;

      case FRACTION_FIRST:
        if (!isDigit(byte)) {
          this.fail("syntax", `expected a digit after ".", found ${describeByte(byte)}`, position);
          return index;
        }
        this.state = FRACTION;
        return index + 1;

      case EXPONENT_SIGN:
        if (byte === PLUS || byte === MINUS_SIGN) {
          this.state = EXPONENT_FIRST;
          return index + 1;
        }
        if (!isDigit(byte)) {
          this.fail("syntax", `expected a digit in the exponent, found ${describeByte(byte)}`, position);
          return index;
        }
        this.state = EXPONENT;
        return index + 1;

      case EXPONENT_FIRST:
        if (!isDigit(byte)) {
          this.fail("syntax", `expected a digit in the exponent, found ${describeByte(byte)}`, position);
          return index;
        }
        this.state = EXPONENT;
        return index + 1;

      default: {
        // ZERO, INTEGER, FRACTION or EXPONENT: digits continue all but ZERO.
        let next = index;
        if (this.state !== ZERO) while (next < chunk.length && isDigit(chunk[next]!)) next += 1;
        if (next === chunk.length) return next;

        const following = chunk[next]!;
        if (following === DOT && (this.state === ZERO || this.state === INTEGER)) {
          this.state = FRACTION_FIRST;
          return next + 1;
        }
        if ((following === LOWER_E || following === UPPER_E) && this.state !== EXPONENT) {
          this.state = EXPONENT_SIGN;
          return next + 1;
        }
        this.completeValue(this.offset + next);
        return next;
      }
    }
  }

  private openContainer(isObject: boolean): void {
    const byteIndex = this.depth >>> 3;
    if (byteIndex === this.containers.length) {
      const grown = new Uint8Array(this.containers.length * 2);
      grown.set(this.containers);
      this.containers = grown;
    }
    const bit = 1 << (this.depth & 7);
    if (isObject) this.containers[byteIndex]! |= bit;
    else this.containers[byteIndex]! &= ~bit;
    this.depth += 1;
  }

  private closeContainer(position: number): void {
    this.depth -= 1;
    this.completeValue(position + 1);
  }

  private inObject(): boolean {
    const depth = this.depth - 1;
    return ((this.containers[depth >>> 3]! >>> (depth & 7)) & 1) === 1;
  }

  /** Moves past a finished value whose last byte ends before `end`. */
  private completeValue(end: number): void {
    if (this.depth > 0) {
      this.state = AFTER_VALUE;
      return;
    }
    this.endOffset = end;
    this.state = DONE;
  }

  /** Describes what the current state needs next, for messages. */
  private expectation(): string {
    switch (this.state) {
      case ARRAY_FIRST:
        return 'a value or "]"';
      case OBJECT_FIRST:
        return 'a string key or "}"';
      case OBJECT_KEY:
        return "a string key";
      case COLON:
        return '":" after a key';
      case AFTER_VALUE:
        return this.inObject() ? '"," or "}"' : '"," or "]"';
      case STRING:
      case ESCAPE:
      case UNICODE_ESCAPE:
      case UTF8_CONTINUATION:
        return "a closing quote";
      case LITERAL:
        return JSON.stringify(this.literal.toString());
      case MINUS:
      case FRACTION_FIRST:
      case EXPONENT_SIGN:
      case EXPONENT_FIRST:
        return "a digit";
      default:
        return "a value";
    }
  }

  private fail(kind: InvalidJson["kind"], message: string, offset: number): void {
    this.failure = { kind, message, offset };
    this.state = FAILED;
  }
}
