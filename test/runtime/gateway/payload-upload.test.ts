import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { after, before, test } from "node:test";
import { GetObjectCommand, S3ServiceException } from "@aws-sdk/client-s3";
import { MAX_PART_BYTES, uploadPayload } from "../../../runtime/gateway/payload-upload.js";
import { BUCKET, localS3Client, recordCommands, startAwsFixture, type AwsFixture } from "./support/gateway-fixture.js";

// Where a body's bytes are cut into parts, and what happens when a part fails.

let aws: AwsFixture;

before(async () => {
  aws = await startAwsFixture();
});

after(async () => {
  await aws.close();
});

/** Returns a stream of `body` in chunks of 64 KiB, as a request body arrives. */
function streamOf(body: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += 64 * 1024) chunks.push(body.subarray(offset, offset + 64 * 1024));
  return Readable.from(chunks);
}

async function stored(key: string): Promise<Buffer | undefined> {
  try {
    const object = await aws.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  } catch (error) {
    if ((error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
}

const cases: Array<[string, number, string[]]> = [
  ["body of exactly one part", MAX_PART_BYTES, ["PutObjectCommand"]],
  [
    "body one byte above a part",
    MAX_PART_BYTES + 1,
    ["CreateMultipartUploadCommand", "UploadPartCommand", "UploadPartCommand", "CompleteMultipartUploadCommand"],
  ],
  [
    "body of three parts and a bit",
    3 * MAX_PART_BYTES + 1000,
    ["CreateMultipartUploadCommand", "UploadPartCommand", "UploadPartCommand", "UploadPartCommand", "UploadPartCommand", "CompleteMultipartUploadCommand"],
  ],
];

for (const [name, size, expected] of cases) {
  test(`${name} is stored whole`, async () => {
    const commands: string[] = [];
    const s3 = recordCommands(localS3Client(aws.endpoint), commands);
    const body = randomBytes(size);
    const key = `uploads/${size}`;

    const bytes = await uploadPayload({ s3, bucket: BUCKET, key, contentType: "application/octet-stream", body: streamOf(body), maxBytes: 10 * MAX_PART_BYTES });
    s3.destroy();

    assert.equal(bytes, size);
    assert.deepEqual([...commands].sort(), [...expected].sort());
    assert.ok((await stored(key))?.equals(body), "the stored object differs from the body");
  });
}

test("failed part aborts the upload", async () => {
  const commands: string[] = [];
  const s3 = recordCommands(localS3Client(aws.endpoint), commands);
  // The second part fails as S3 fails a request, while every other call reaches the endpoint.
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PartNumber?: number };
      if (context.commandName === "UploadPartCommand" && input.PartNumber === 2) {
        throw new S3ServiceException({ name: "InternalError", $fault: "server", $metadata: { httpStatusCode: 500 }, message: "part 2 failed" });
      }
      return next(args);
    },
    { step: "initialize", name: "failSecondPart" },
  );
  const key = "uploads/failed";

  // s3rver 3.7 rejects AbortMultipartUpload, so the abort's error is thrown in place of the part's.
  await assert.rejects(
    uploadPayload({ s3, bucket: BUCKET, key, contentType: null, body: streamOf(randomBytes(4 * MAX_PART_BYTES)), maxBytes: 10 * MAX_PART_BYTES }),
    { name: "MethodNotAllowed" },
  );
  s3.destroy();

  assert.ok(commands.includes("AbortMultipartUploadCommand"), commands.join());
  assert.ok(!commands.includes("CompleteMultipartUploadCommand"), commands.join());
  assert.equal(await stored(key), undefined);
});
