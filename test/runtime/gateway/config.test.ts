import assert from "node:assert/strict";
import { test } from "node:test";
import { ConfigError, parseGatewayConfig } from "../../../runtime/gateway/config.js";

const required = { CORTEX_BUCKET: "cortex-data" };

test("config applies the defaults", () => {
  const config = parseGatewayConfig(required);

  assert.equal(config.bucket, "cortex-data");
  assert.equal(config.layout.prefix, "cortex");
  assert.equal(config.host, "0.0.0.0");
  assert.equal(config.port, 8888);
  assert.equal(config.maxPayloadBytes, 1073741824);
  assert.equal(config.registryCacheSeconds, 5);
  assert.equal(config.logLevel, "info");
});

test("config reads every variable", () => {
  const config = parseGatewayConfig({
    CORTEX_BUCKET: "my.bucket-1",
    CORTEX_STORAGE_PREFIX: "prod",
    CORTEX_GATEWAY_HOST: "127.0.0.1",
    CORTEX_GATEWAY_PORT: "9000",
    CORTEX_MAX_PAYLOAD_BYTES: "2048",
    CORTEX_REGISTRY_CACHE_SECONDS: "0.5",
    CORTEX_LOG_LEVEL: "debug",
  });

  assert.equal(config.bucket, "my.bucket-1");
  assert.equal(config.layout.prefix, "prod");
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.port, 9000);
  assert.equal(config.maxPayloadBytes, 2048);
  assert.equal(config.registryCacheSeconds, 0.5);
  assert.equal(config.logLevel, "debug");
});

test("config errors name the variable", () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{}, /^CORTEX_BUCKET is missing/],
    [{ CORTEX_BUCKET: "" }, /^CORTEX_BUCKET is missing/],
    [{ CORTEX_BUCKET: "Bad_Bucket" }, /^CORTEX_BUCKET "Bad_Bucket" is not a valid S3 bucket name/],
    [{ ...required, CORTEX_STORAGE_PREFIX: "a/b" }, /^CORTEX_STORAGE_PREFIX: invalid storage prefix "a\/b"/],
    [{ ...required, CORTEX_GATEWAY_HOST: " " }, /^CORTEX_GATEWAY_HOST is empty/],
    [{ ...required, CORTEX_GATEWAY_PORT: "http" }, /^CORTEX_GATEWAY_PORT "http" is invalid: use an integer from 0 to 65535/],
    [{ ...required, CORTEX_GATEWAY_PORT: "65536" }, /^CORTEX_GATEWAY_PORT "65536" is invalid/],
    [{ ...required, CORTEX_GATEWAY_PORT: "-1" }, /^CORTEX_GATEWAY_PORT "-1" is invalid/],
    [{ ...required, CORTEX_MAX_PAYLOAD_BYTES: "1.5" }, /^CORTEX_MAX_PAYLOAD_BYTES "1.5" is invalid/],
    [{ ...required, CORTEX_MAX_PAYLOAD_BYTES: "0" }, /^CORTEX_MAX_PAYLOAD_BYTES "0" is invalid: use an integer from 1 to 52428800000/],
    [{ ...required, CORTEX_MAX_PAYLOAD_BYTES: "1e9" }, /^CORTEX_MAX_PAYLOAD_BYTES "1e9" is invalid/],
    [{ ...required, CORTEX_MAX_PAYLOAD_BYTES: "52428800001" }, /^CORTEX_MAX_PAYLOAD_BYTES "52428800001" is invalid/],
    [{ ...required, CORTEX_REGISTRY_CACHE_SECONDS: "-1" }, /^CORTEX_REGISTRY_CACHE_SECONDS "-1" is invalid/],
    [{ ...required, CORTEX_REGISTRY_CACHE_SECONDS: "0x10" }, /^CORTEX_REGISTRY_CACHE_SECONDS "0x10" is invalid/],
    [{ ...required, CORTEX_LOG_LEVEL: "verbose" }, /^CORTEX_LOG_LEVEL "verbose" is invalid: use one of fatal, error, warn, info, debug, trace, silent/],
  ];

  for (const [env, message] of cases) {
    assert.throws(() => parseGatewayConfig(env), (error: unknown) => error instanceof ConfigError && message.test(error.message), JSON.stringify(env));
  }
});
