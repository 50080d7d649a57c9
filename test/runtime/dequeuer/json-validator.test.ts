import assert from "node:assert/strict";
import { test } from "node:test";
import { TextDecoder } from "node:util";
import { JsonValidator, type InvalidJson } from "../../../runtime/dequeuer/json-validator.js";

type Outcome = { ok: true; start: number; end: number } | ({ ok: false } & InvalidJson);

/** Validates `input` in chunks of `chunkSize` bytes (all at once when omitted). */
function validate(input: string | Buffer, chunkSize?: number): Outcome {
  const bytes = Buffer.from(input);
  const validator = new JsonValidator();
  const size = chunkSize ?? Math.max(bytes.length, 1);

  let invalid: InvalidJson | undefined;
  for (let offset = 0; offset < bytes.length && invalid === undefined; offset += size) {
    invalid = validator.write(bytes.subarray(offset, offset + size));
  }
  invalid ??= validator.end();
  return invalid ? { ok: false, ...invalid } : { ok: true, start: validator.valueStart, end: validator.valueEnd };
}

/**
 * Decodes the bytes with a fatal UTF-8 decoder, which drops one leading byte order
 * mark, and parses them with JSON.parse. Returns the trimmed text, or undefined when either step fails.
 */
function parsedText(bytes: Buffer): string | undefined {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    JSON.parse(text);
  } catch {
    return undefined;
  }
  // JSON.parse accepted it, so what trim() removes is JSON whitespace.
  return text.trim();
}

const CHUNK_SIZES = [1, 2, 3, 7, undefined];

const VALID: string[] = [
  "0",
  "-0",
  "7",
  "-12",
  "1.5",
  "-0.25",
  "1e5",
  "1E+2",
  "1e-2",
  "0e0",
  "-1.5E-07",
  "123456789012345678901234567890",
  "1.0e+300000",
  "true",
  "false",
  "null",
  '""',
  '"plain"',
  '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
  '"\\u0000\\u001f\\uabcD"',
  '"\\uD83D\\uDE00"',
  '"\\uD800"',
  '"\\uDFFF alone"',
  '"é € 😀 \u{10FFFF} \u2028 \u007f"',
  "[]",
  "{}",
  "[[]]",
  '{"a":{}}',
  "[1,[2,[3]]]",
  '{"a":1,"b":[true,false,null],"c":"d"}',
  '{"a":1,"a":2}',
  ' \t\n\r[ 1 , 2 ] \r\n\t ',
  '{ "key" : "value" , "n" : -1.5e3 }',
  "\ufeff[1]",
  "\ufeff \"text\"",
  `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
  `${'{"a":'.repeat(1_000)}1${"}".repeat(1_000)}`,
];

for (const input of VALID) {
  test(`accepts ${JSON.stringify(input.slice(0, 40))}`, () => {
    assert.notEqual(parsedText(Buffer.from(input)), undefined, "JSON.parse rejects this valid case");
    for (const chunkSize of CHUNK_SIZES) {
      assert.equal(validate(input, chunkSize).ok, true, `chunks of ${chunkSize ?? "all"} bytes`);
    }
  });
}

const INVALID: Array<[string | Buffer, InvalidJson]> = [
  ["", { kind: "syntax", message: "expected a value, found the end of the body", offset: 0 }],
  ["   ", { kind: "syntax", message: "expected a value, found the end of the body", offset: 3 }],
  ["[", { kind: "syntax", message: 'expected a value or "]", found the end of the body', offset: 1 }],
  ["[[[", { kind: "syntax", message: 'expected a value or "]", found the end of the body', offset: 3 }],
  ["]", { kind: "syntax", message: 'expected a value, found character "]"', offset: 0 }],
  ["{", { kind: "syntax", message: 'expected a string key or "}", found the end of the body', offset: 1 }],
  ['{"a"', { kind: "syntax", message: 'expected ":" after a key, found the end of the body', offset: 4 }],
  ['{"a" 1}', { kind: "syntax", message: 'expected ":" after a key, found character "1"', offset: 5 }],
  ['{"a":', { kind: "syntax", message: "expected a value, found the end of the body", offset: 5 }],
  ['{"a":1,', { kind: "syntax", message: "expected a string key, found the end of the body", offset: 7 }],
  ['{"a":1,}', { kind: "syntax", message: 'expected a string key, found character "}"', offset: 7 }],
  ["{1:2}", { kind: "syntax", message: 'expected a string key or "}", found character "1"', offset: 1 }],
  ["{'a':1}", { kind: "syntax", message: 'expected a string key or "}", found character "\'"', offset: 1 }],
  ["[1 2]", { kind: "syntax", message: 'expected "," or "]", found character "2"', offset: 3 }],
  ["[1,]", { kind: "syntax", message: 'expected a value, found character "]"', offset: 3 }],
  ["[1}", { kind: "syntax", message: 'expected "," or "]", found character "}"', offset: 2 }],
  ['{"a":1]', { kind: "syntax", message: 'expected "," or "}", found character "]"', offset: 6 }],
  ["[1,2", { kind: "syntax", message: 'expected "," or "]", found the end of the body', offset: 4 }],
  ["1 2", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "2"', offset: 2 }],
  ["{}{}", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "{"', offset: 2 }],
  ['"a" "b"', { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "\\""', offset: 4 }],
  ['"abc', { kind: "syntax", message: "expected a closing quote, found the end of the body", offset: 4 }],
  ['"a\u0001"', { kind: "syntax", message: "found an unescaped control character 0x01 in a string", offset: 2 }],
  ['"a\nb"', { kind: "syntax", message: "found an unescaped control character 0x0a in a string", offset: 2 }],
  ['"\\a"', { kind: "syntax", message: 'expected an escape character after "\\" in a string, found character "a"', offset: 2 }],
  ['"\\U1234"', { kind: "syntax", message: 'expected an escape character after "\\" in a string, found character "U"', offset: 2 }],
  ['"\\u12"', { kind: "syntax", message: 'expected a hex digit in a \\u escape, found character "\\""', offset: 5 }],
  ['"\\', { kind: "syntax", message: "expected a closing quote, found the end of the body", offset: 2 }],
  ["-", { kind: "syntax", message: "expected a digit, found the end of the body", offset: 1 }],
  ["-a", { kind: "syntax", message: 'expected a digit after "-", found character "a"', offset: 1 }],
  ["+1", { kind: "syntax", message: 'expected a value, found character "+"', offset: 0 }],
  ["01", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "1"', offset: 1 }],
  ["[00]", { kind: "syntax", message: 'expected "," or "]", found character "0"', offset: 2 }],
  ["1.", { kind: "syntax", message: "expected a digit, found the end of the body", offset: 2 }],
  [".5", { kind: "syntax", message: 'expected a value, found character "."', offset: 0 }],
  ["1.e5", { kind: "syntax", message: 'expected a digit after ".", found character "e"', offset: 2 }],
  ["1e", { kind: "syntax", message: "expected a digit, found the end of the body", offset: 2 }],
  ["1e+", { kind: "syntax", message: "expected a digit, found the end of the body", offset: 3 }],
  ["1e+-1", { kind: "syntax", message: 'expected a digit in the exponent, found character "-"', offset: 3 }],
  ["1.5.2", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "."', offset: 3 }],
  ["0x10", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "x"', offset: 1 }],
  ["NaN", { kind: "syntax", message: 'expected a value, found character "N"', offset: 0 }],
  ["-Infinity", { kind: "syntax", message: 'expected a digit after "-", found character "I"', offset: 1 }],
  ["tru", { kind: "syntax", message: 'expected "true", found the end of the body', offset: 3 }],
  ["trUe", { kind: "syntax", message: 'expected "true", found character "U"', offset: 2 }],
  ["True", { kind: "syntax", message: 'expected a value, found character "T"', offset: 0 }],
  ["nul", { kind: "syntax", message: 'expected "null", found the end of the body', offset: 3 }],
  ["falsey", { kind: "syntax", message: 'expected the end of the body after the JSON value, found character "y"', offset: 5 }],
  ["[true false]", { kind: "syntax", message: 'expected "," or "]", found character "f"', offset: 6 }],
  ["é", { kind: "syntax", message: "expected a value, found byte 0xc3", offset: 0 }],
  ["[1]\u00a0", { kind: "syntax", message: "expected the end of the body after the JSON value, found byte 0xc2", offset: 3 }],
  [" \ufeff1", { kind: "syntax", message: "expected a value, found byte 0xef", offset: 1 }],
  ["\ufeff\ufeff1", { kind: "syntax", message: "expected a value, found byte 0xef", offset: 3 }],
  [Buffer.from([0xef, 0xbb, 0x31]), { kind: "syntax", message: "expected a value, found byte 0xef", offset: 0 }],
  ["\ufeff", { kind: "syntax", message: "expected a value, found the end of the body", offset: 3 }],
  [Buffer.from([0x22, 0xff, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0xff", offset: 1 }],
  [Buffer.from([0x22, 0x80, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x80", offset: 1 }],
  [Buffer.from([0x22, 0xc0, 0xaf, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0xc0", offset: 1 }],
  [Buffer.from([0x22, 0xc3, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x22", offset: 2 }],
  [Buffer.from([0x22, 0xe0, 0x80, 0xaf, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x80", offset: 2 }],
  [Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0xa0", offset: 2 }],
  [Buffer.from([0x22, 0xf0, 0x80, 0x80, 0x80, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x80", offset: 2 }],
  [Buffer.from([0x22, 0xf4, 0x90, 0x80, 0x80, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x90", offset: 2 }],
  [Buffer.from([0x22, 0xf5, 0x80, 0x80, 0x80, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0xf5", offset: 1 }],
  [Buffer.from([0x22, 0xe2, 0x82, 0x22]), { kind: "encoding", message: "invalid UTF-8 byte 0x22", offset: 3 }],
];

for (const [input, expected] of INVALID) {
  const name = typeof input === "string" ? JSON.stringify(input) : `bytes ${input.toString("hex").replace(/(..)(?!$)/g, "$1 ")}`;
  test(`rejects ${name}`, () => {
    assert.equal(parsedText(Buffer.from(input)), undefined, "JSON.parse accepts this invalid case");
    for (const chunkSize of CHUNK_SIZES) {
      assert.deepEqual(validate(input, chunkSize), { ok: false, ...expected }, `chunks of ${chunkSize ?? "all"} bytes`);
    }
  });
}

test("value offsets leave out the byte order mark and whitespace", () => {
  const cases: Array<[string, number, number]> = [
    ["1", 0, 1],
    [" 12 ", 1, 3],
    ['"a"\n', 0, 3],
    ["\ufeff [1] ", 4, 7],
    ["\t{}\r\n", 1, 3],
    ["-0.5e+3", 0, 7],
  ];
  for (const [input, start, end] of cases) {
    for (const chunkSize of CHUNK_SIZES) {
      assert.deepEqual(validate(input, chunkSize), { ok: true, start, end }, `${JSON.stringify(input)} in chunks of ${chunkSize ?? "all"} bytes`);
    }
  }
});

test("writes after a failure return the same failure", () => {
  const validator = new JsonValidator();
  const failure = validator.write(Buffer.from("[1 2"));

  assert.deepEqual(failure, { kind: "syntax", message: 'expected "," or "]", found character "2"', offset: 3 });
  assert.deepEqual(validator.write(Buffer.from("]")), failure);
  assert.deepEqual(validator.end(), failure);
});

// Differential test: generated JSON texts and mutations of them, each fed in
// random chunks, must be accepted exactly when JSON.parse accepts them after a
// fatal UTF-8 decoder, with the same value text. The seed keeps runs identical.

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seededRandom(0x5eed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const integer = (max: number): number => Math.floor(random() * max);

const WHITESPACE = ["", "", "", " ", "\n", "\t", "\r\n", "  "];
const STRING_PIECES = ["a", "Z", " ", "é", "€", "😀", "\u2028", "\\n", '\\"', "\\\\", "\\/", "\\t", "\\u00e9", "\\uD83D\\uDE00", "\\uD800", "\\u001F", "'", "/", "{", "]"];
const NUMBERS = ["0", "-0", "7", "-42", "3.25", "-0.5", "1e3", "2E-7", "6.02e+23", "12345678901234567890", "0.000001", "-1.5E+300"];

function generateString(): string {
  return `"${Array.from({ length: integer(6) }, () => pick(STRING_PIECES)).join("")}"`;
}

/** Generates a JSON text with random whitespace, nested at most 5 levels deep. */
function generateValue(depth: number): string {
  const ws = () => pick(WHITESPACE);
  const kind = depth >= 5 ? integer(4) : integer(7);

  switch (kind) {
    case 0:
      return pick(NUMBERS);
    case 1:
      return pick(["true", "false", "null"]);
    case 2:
    case 3:
      return generateString();
    case 4:
    case 5: {
      const items = Array.from({ length: integer(5) }, () => `${ws()}${generateValue(depth + 1)}${ws()}`);
      return `[${items.join(",") || ws()}]`;
    }
    default: {
      const members = Array.from({ length: integer(5) }, () => `${ws()}${generateString()}${ws()}:${ws()}${generateValue(depth + 1)}${ws()}`);
      return `{${members.join(",") || ws()}}`;
    }
  }
}

const INTERESTING_BYTES = [
  ..."{}[]:,\"\\ -+.eE019tfnrul\t\n\r".split("").map((character) => character.charCodeAt(0)),
  0x00, 0x1f, 0x7f, 0x80, 0xa0, 0xbf, 0xc0, 0xc2, 0xc3, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff,
];

/** Byte sequences at the edges of UTF-8: valid ones and overlong, surrogate, out-of-range or cut ones. */
const UTF8_EDGES = [
  [0xc2, 0x80], [0xdf, 0xbf], [0xe0, 0xa0, 0x80], [0xed, 0x9f, 0xbf], [0xee, 0x80, 0x80], [0xf0, 0x90, 0x80, 0x80], [0xf4, 0x8f, 0xbf, 0xbf],
  [0xc0, 0xaf], [0xc1, 0xbf], [0xe0, 0x9f, 0xbf], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xef, 0xbb, 0xbf],
].map((sequence) => Buffer.from(sequence));

function mutate(bytes: Buffer): Buffer {
  const at = integer(bytes.length + 1);
  switch (integer(8)) {
    case 7:
      return Buffer.concat([bytes.subarray(0, at), pick(UTF8_EDGES), bytes.subarray(at)]);
    case 0:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]);
    case 1:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([pick(INTERESTING_BYTES)]), bytes.subarray(at)]);
    case 2: {
      const copy = Buffer.from(bytes);
      if (at < copy.length) copy[at] = pick(INTERESTING_BYTES);
      return copy;
    }
    case 3:
      return bytes.subarray(0, at);
    case 4: {
      const end = at + integer(8);
      return Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
    }
    case 5:
      return Buffer.concat([Buffer.from(pick(["\ufeff", " ", "\ufeff\ufeff", "x"])), bytes]);
    default:
      return Buffer.concat([bytes, Buffer.from(pick([" ", "\n", "1", "{}", '"', "\ufeff"]))]);
  }
}

/** Validates `bytes` in chunks of random sizes from 1 to 16 bytes. */
function validateInRandomChunks(bytes: Buffer): Outcome {
  const validator = new JsonValidator();
  let invalid: InvalidJson | undefined;
  for (let offset = 0; offset < bytes.length && invalid === undefined; ) {
    const size = 1 + integer(16);
    invalid = validator.write(bytes.subarray(offset, offset + size));
    offset += size;
  }
  invalid ??= validator.end();
  return invalid ? { ok: false, ...invalid } : { ok: true, start: validator.valueStart, end: validator.valueEnd };
}

test("agrees with JSON.parse on generated and mutated texts", () => {
  let accepted = 0;
  let rejected = 0;

  for (let round = 0; round < 6_000; round += 1) {
    const generated = Buffer.from(`${pick(WHITESPACE)}${generateValue(0)}${pick(WHITESPACE)}`);
    let input: Buffer = generated;
    if (round % 3 !== 0) for (let count = 1 + integer(3); count > 0; count -= 1) input = mutate(input);

    const expected = parsedText(input);
    const outcome = validateInRandomChunks(input);
    const shown = JSON.stringify(input.toString("latin1"));
    if (expected === undefined) {
      assert.equal(outcome.ok, false, `accepted what JSON.parse rejects: ${shown}`);
      rejected += 1;
    } else {
      assert.ok(outcome.ok, `rejected what JSON.parse accepts: ${shown}: ${JSON.stringify(outcome)}`);
      assert.equal(new TextDecoder().decode(input.subarray(outcome.start, outcome.end)), expected, shown);
      accepted += 1;
    }
  }

  // Both kinds must be common, or the comparison proves little.
  assert.ok(accepted > 2_500, `only ${accepted} inputs were valid JSON`);
  assert.ok(rejected > 1_500, `only ${rejected} inputs were invalid JSON`);
});
