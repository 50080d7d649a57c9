import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DeleteObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { ApiRegistry, InvalidRegistryEntryError } from "../../../runtime/gateway/registry.js";
import { BUCKET, recordCommands, startAwsFixture, type AwsFixture } from "./support/gateway-fixture.js";

let aws: AwsFixture;
let clock = 0;
const commands: string[] = [];

before(async () => {
  aws = await startAwsFixture();
  recordCommands(aws.s3, commands);
});

after(async () => {
  await aws.close();
});

function newRegistry(cacheSeconds = 5): ApiRegistry {
  return new ApiRegistry({ s3: aws.s3, bucket: BUCKET, layout: aws.layout, cacheSeconds, now: () => clock });
}

test("registry finds a provisioned API", async () => {
  const registration = await aws.provision("found");

  assert.deepEqual(await newRegistry().lookup("found"), registration);
});

test("registry caches a miss until it expires", async () => {
  const registry = newRegistry();
  clock = 1_000;
  assert.equal(await registry.lookup("late"), undefined);

  const registration = await aws.provision("late");
  clock = 5_999;
  assert.equal(await registry.lookup("late"), undefined);

  clock = 6_001;
  assert.deepEqual(await registry.lookup("late"), registration);
});

test("registry caches a hit until it expires", async () => {
  const registry = newRegistry();
  await aws.provision("removed");
  clock = 1_000;
  assert.notEqual(await registry.lookup("removed"), undefined);

  await aws.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: aws.layout.registryKey("removed") }));
  clock = 5_999;
  assert.notEqual(await registry.lookup("removed"), undefined);

  clock = 6_001;
  assert.equal(await registry.lookup("removed"), undefined);
});

test("repeated misses cost one GetObject", async () => {
  const registry = newRegistry();
  clock = 1_000;
  commands.length = 0;

  const results = await Promise.all(Array.from({ length: 20 }, () => registry.lookup("unknown")));
  await registry.lookup("unknown");

  assert.deepEqual(results, Array(20).fill(undefined));
  assert.deepEqual(commands, ["GetObjectCommand"]);
});

test("zero cache seconds reads every time", async () => {
  const registry = newRegistry(0);
  commands.length = 0;

  await registry.lookup("uncached");
  await registry.lookup("uncached");

  assert.deepEqual(commands, ["GetObjectCommand", "GetObjectCommand"]);
});

test("invalid registry entries are rejected", async () => {
  const cases: Array<[string, string, RegExp]> = [
    ["not-json", "{", /is not valid JSON/],
    ["no-queue", JSON.stringify({ name: "no-queue" }), /has no queueUrl/],
    ["renamed", JSON.stringify({ name: "other", queueUrl: "http://127.0.0.1/q.fifo" }), /names API "other"/],
  ];

  for (const [api, body, message] of cases) {
    await aws.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: aws.layout.registryKey(api), Body: Buffer.from(body) }));

    const lookup = newRegistry().lookup(api);

    await assert.rejects(lookup, (error: unknown) => error instanceof InvalidRegistryEntryError && message.test(error.message));
  }
});
