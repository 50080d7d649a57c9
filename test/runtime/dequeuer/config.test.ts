import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseConfig } from "../../../runtime/dequeuer/config.js";

const REQUIRED = {
  CORTEX_API_NAME: "hello-world",
  CORTEX_QUEUE_URL: "https://sqs.us-west-2.amazonaws.com/123456789012/hello-world.fifo",
  CORTEX_BUCKET: "cortex-bucket",
};

test("defaults apply when only the required variables are set", () => {
  const config = parseConfig(REQUIRED);

  assert.equal(config.apiName, "hello-world");
  assert.equal(config.deadLetterQueueUrl, undefined);
  assert.equal(config.layout.prefix, "cortex");
  assert.equal(config.userPort, 8080);
  assert.equal(config.maxConcurrency, 1);
  assert.equal(config.adminHost, "0.0.0.0");
  assert.equal(config.adminPort, 8890);
  assert.equal(config.visibilitySeconds, 30);
  assert.equal(config.maxProcessingSeconds, 3600);
  assert.equal(config.pollWaitSeconds, 20);
  assert.equal(config.logLevel, "info");
  assert.deepEqual(config.probes, [
    { initialDelaySeconds: 0, periodSeconds: 1, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, kind: "tcpSocket", host: "127.0.0.1", port: 8080 },
  ]);
});

test("every variable is read", () => {
  const config = parseConfig({
    ...REQUIRED,
    CORTEX_DEAD_LETTER_QUEUE_URL: "https://sqs.us-west-2.amazonaws.com/123456789012/hello-world-dead-letter.fifo",
    CORTEX_STORAGE_PREFIX: "prod",
    CORTEX_USER_PORT: "9000",
    CORTEX_MAX_CONCURRENCY: "100",
    CORTEX_ADMIN_HOST: "127.0.0.1",
    CORTEX_ADMIN_PORT: "0",
    CORTEX_PROBES: '[{"httpGet":{"path":"/healthz","port":9000},"periodSeconds":5}]',
    CORTEX_VISIBILITY_SECONDS: "60",
    CORTEX_MAX_PROCESSING_SECONDS: "43140",
    CORTEX_POLL_WAIT_SECONDS: "0",
    CORTEX_LOG_LEVEL: "debug",
  });

  assert.equal(config.deadLetterQueueUrl, "https://sqs.us-west-2.amazonaws.com/123456789012/hello-world-dead-letter.fifo");
  assert.equal(config.layout.prefix, "prod");
  assert.equal(config.userPort, 9000);
  assert.equal(config.maxConcurrency, 100);
  assert.equal(config.adminHost, "127.0.0.1");
  assert.equal(config.adminPort, 0);
  assert.equal(config.visibilitySeconds, 60);
  assert.equal(config.maxProcessingSeconds, 43140);
  assert.equal(config.pollWaitSeconds, 0);
  assert.equal(config.logLevel, "debug");
  // The probe targets the user port, so no TCP probe is added.
  assert.equal(config.probes.length, 1);
  assert.equal(config.probes[0]!.kind, "httpGet");
  assert.equal(config.probes[0]!.periodSeconds, 5);
});

test("queue URLs of the embedded endpoint are accepted", () => {
  const config = parseConfig({ ...REQUIRED, CORTEX_QUEUE_URL: "http://sqs.us-east-1.127.0.0.1:4566/000000000000/hello-world.fifo" });
  assert.equal(config.queueUrl, "http://sqs.us-east-1.127.0.0.1:4566/000000000000/hello-world.fifo");
});

const INVALID: Array<[string, Record<string, string>, string]> = [
  ["CORTEX_API_NAME", { CORTEX_API_NAME: "Hello_World" }, 'CORTEX_API_NAME must be a DNS label (lowercase letters, digits and \'-\', at most 63), got "Hello_World"'],
  ["CORTEX_QUEUE_URL", { CORTEX_QUEUE_URL: "hello-world.fifo" }, "CORTEX_QUEUE_URL must be a queue URL such as"],
  ["CORTEX_DEAD_LETTER_QUEUE_URL", { CORTEX_DEAD_LETTER_QUEUE_URL: "ftp://x/y" }, "CORTEX_DEAD_LETTER_QUEUE_URL must be a queue URL such as"],
  ["CORTEX_BUCKET", { CORTEX_BUCKET: "  " }, "CORTEX_BUCKET is required"],
  ["CORTEX_STORAGE_PREFIX", { CORTEX_STORAGE_PREFIX: "a/b" }, 'CORTEX_STORAGE_PREFIX is invalid: invalid storage prefix "a/b"'],
  ["CORTEX_USER_PORT", { CORTEX_USER_PORT: "0" }, 'CORTEX_USER_PORT must be an integer from 1 to 65535, got "0"'],
  ["CORTEX_MAX_CONCURRENCY", { CORTEX_MAX_CONCURRENCY: "0" }, 'CORTEX_MAX_CONCURRENCY must be an integer from 1 to 100, got "0"'],
  ["CORTEX_MAX_CONCURRENCY", { CORTEX_MAX_CONCURRENCY: "2.5" }, 'CORTEX_MAX_CONCURRENCY must be an integer from 1 to 100, got "2.5"'],
  ["CORTEX_ADMIN_PORT", { CORTEX_ADMIN_PORT: "65536" }, 'CORTEX_ADMIN_PORT must be an integer from 0 to 65535, got "65536"'],
  ["CORTEX_VISIBILITY_SECONDS", { CORTEX_VISIBILITY_SECONDS: "thirty" }, 'CORTEX_VISIBILITY_SECONDS must be an integer from 1 to 43200, got "thirty"'],
  ["CORTEX_MAX_PROCESSING_SECONDS", { CORTEX_MAX_PROCESSING_SECONDS: "43200" }, "CORTEX_MAX_PROCESSING_SECONDS plus CORTEX_VISIBILITY_SECONDS must be at most 43200, got 43200 + 30"],
  ["CORTEX_POLL_WAIT_SECONDS", { CORTEX_POLL_WAIT_SECONDS: "-1" }, 'CORTEX_POLL_WAIT_SECONDS must be an integer from 0 to 20, got "-1"'],
  ["CORTEX_LOG_LEVEL", { CORTEX_LOG_LEVEL: "loud" }, 'CORTEX_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
  ["CORTEX_PROBES[1].tcpSocket.port", { CORTEX_PROBES: '[{"tcpSocket":{"port":8080}},{"tcpSocket":{"port":"http"}}]' }, 'CORTEX_PROBES[1].tcpSocket.port must be a port number from 1 to 65535, got "http"'],
];

for (const [variable, env, message] of INVALID) {
  test(`invalid ${variable} is rejected by name`, () => {
    assert.throws(
      () => parseConfig({ ...REQUIRED, ...env }),
      (error: unknown) => error instanceof ConfigError && error.variable === variable && error.message.startsWith(message),
    );
  });
}
