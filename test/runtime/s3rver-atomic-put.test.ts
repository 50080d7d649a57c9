import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { LOCAL_CREDENTIALS, LOCAL_REGION, startEmbeddedEndpoint, type EmbeddedEndpoint } from "../../runtime/local/embedded-endpoint.js";
import { ensureBucket } from "../../runtime/local/provision.js";

const BUCKET = "atomic-put";

let dataDir: string;
let endpoint: EmbeddedEndpoint;
let s3: S3Client;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "cortex-atomic-put-"));
  endpoint = await startEmbeddedEndpoint({ dataDir });
  s3 = new S3Client({ region: LOCAL_REGION, endpoint: endpoint.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  await ensureBucket(s3, BUCKET);
});

after(async () => {
  s3.destroy();
  await endpoint.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function getText(key: string): Promise<string | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return await response.Body!.transformToString();
  } catch (error) {
    if ((error as Error).name === "NoSuchKey") return undefined;
    throw error;
  }
}

test("GET during a PUT sees no partial object", async () => {
  // Large enough that writing it takes many event-loop turns, so GETs land mid-write.
  const body = JSON.stringify({ result: "x".repeat(4 * 1024 * 1024) });

  for (let round = 0; round < 3; round++) {
    const key = `racing-${round}.json`;
    let stored = false;
    const put = s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body })).then(() => (stored = true));

    const seenLengths = new Set<number>();
    while (!stored) {
      const text = await getText(key);
      if (text !== undefined) seenLengths.add(text.length);
    }
    await put;

    for (const length of seenLengths) assert.equal(length, body.length, `round ${round} read ${length} of ${body.length} bytes`);
    assert.equal(await getText(key), body);
  }
});

test("stored object keeps its content type and ETag", async () => {
  const body = '{"ok":true}';
  const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "typed.json", Body: body, ContentType: "application/json" }));
  const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: "typed.json" }));

  const md5 = createHash("md5").update(body).digest("hex");
  assert.equal(put.ETag, `"${md5}"`);
  assert.equal(got.ETag, `"${md5}"`);
  assert.equal(got.ContentType, "application/json");
  assert.equal(await got.Body!.transformToString(), body);
});

test("overwrite replaces the whole object", async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "twice", Body: "a longer first version" }));
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "twice", Body: "short" }));
  assert.equal(await getText("twice"), "short");
});

test("listing shows only complete objects", async () => {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: "listed/one", Body: "1" }));
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: "listed/" }));
  assert.deepEqual(
    listed.Contents?.map((entry) => [entry.Key, entry.Size]),
    [["listed/one", 1]],
  );
});
