import assert from "node:assert/strict";
import { before, test } from "node:test";

import { RESULT_RETENTION_DAYS, StorageLayout } from "../../../runtime/shared/storage-layout.js";
import { Cluster, NODE_GROUPS, policyOf, recordedResource, settle } from "./fixture.js";

// The bucket: private, encrypted, TLS only, and emptied of request objects
// after the retention period.

before(async () => {
  await settle(new Cluster("store", { region: "us-east-1", nodeGroups: NODE_GROUPS }));
});

test("bucket blocks every form of public access", () => {
  const block = recordedResource("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "store-bucket-public-access-block");

  assert.equal(block.inputs.bucket, "store-bucket-id");
  assert.equal(block.inputs.blockPublicAcls, true);
  assert.equal(block.inputs.blockPublicPolicy, true);
  assert.equal(block.inputs.ignorePublicAcls, true);
  assert.equal(block.inputs.restrictPublicBuckets, true);
});

test("bucket encrypts objects at rest", () => {
  const encryption = recordedResource("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "store-bucket-encryption");
  assert.deepEqual(encryption.inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
});

test("bucket policy denies requests without TLS", () => {
  const statements = policyOf(recordedResource("aws:s3/bucketPolicy:BucketPolicy", "store-bucket-policy")).Statement;

  assert.deepEqual(statements, [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::store-bucketmock", "arn:aws:s3:::store-bucketmock/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ]);
});

test("lifecycle expires requests and aborts stale uploads", () => {
  const lifecycle = recordedResource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "store-bucket-lifecycle");
  const [expiry, abort] = lifecycle.inputs.rules;

  assert.equal(lifecycle.inputs.rules.length, 2);
  assert.equal(expiry.status, "Enabled");
  assert.deepEqual(expiry.filter, { prefix: new StorageLayout("store").apisPrefix() });
  assert.deepEqual(expiry.expiration, { days: RESULT_RETENTION_DAYS });
  assert.equal(RESULT_RETENTION_DAYS, 7);
  assert.equal(abort.status, "Enabled");
  assert.deepEqual(abort.abortIncompleteMultipartUpload, { daysAfterInitiation: 1 });
});

test("expiry leaves the API registry alone", () => {
  const lifecycle = recordedResource("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "store-bucket-lifecycle");
  const prefix: string = lifecycle.inputs.rules[0].filter.prefix;

  assert.equal(new StorageLayout("store").registryKey("hello").startsWith(prefix), false);
  assert.equal(new StorageLayout("store").payloadKey("hello", "id").startsWith(prefix), true);
});
