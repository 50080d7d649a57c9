import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  ClientConfigError,
  CortexClient,
  DEFAULT_CONFIG_DIR,
  configDirFromEnv,
  parseClientConfig,
  readClientConfig,
} from "../../../runtime/client/index.js";
import { CORTEX_VERSION } from "../../../runtime/shared/version.js";

const COMPLETE = `endpoint: http://127.0.0.1:8888
cluster: local
region: us-east-1
version: ${CORTEX_VERSION}
`;

let configDir: string;

before(async () => {
  configDir = await mkdtemp(join(tmpdir(), "cortex-client-config-"));
});

after(async () => {
  await rm(configDir, { recursive: true, force: true });
});

test("config dir defaults to /cortex/client", () => {
  assert.equal(DEFAULT_CONFIG_DIR, "/cortex/client");
  assert.equal(configDirFromEnv({}), "/cortex/client");
  assert.equal(configDirFromEnv({ CORTEX_CLI_CONFIG_DIR: "/tmp/x" }), "/tmp/x");
});

test("complete cli.yaml parses", () => {
  assert.deepEqual(parseClientConfig(COMPLETE, "cli.yaml"), {
    endpoint: "http://127.0.0.1:8888",
    cluster: "local",
    region: "us-east-1",
    version: CORTEX_VERSION,
  });
});

test("unquoted numeric version reads as text", () => {
  const config = parseClientConfig(COMPLETE.replace(`version: ${CORTEX_VERSION}`, "version: 1.5"), "cli.yaml");
  assert.equal(config.version, "1.5");
});

test("missing field names the field and path", () => {
  for (const field of ["endpoint", "cluster", "region", "version"]) {
    const text = COMPLETE.split("\n")
      .filter((line) => !line.startsWith(`${field}:`))
      .join("\n");
    assert.throws(
      () => parseClientConfig(text, "/etc/cortex/cli.yaml"),
      (error: Error) => {
        assert.ok(error instanceof ClientConfigError);
        assert.equal(error.message, `client config /etc/cortex/cli.yaml is missing the field "${field}"`);
        return true;
      },
    );
  }
});

test("empty field counts as missing", () => {
  assert.throws(() => parseClientConfig(COMPLETE.replace("cluster: local", 'cluster: ""'), "cli.yaml"), /missing the field "cluster"/);
});

test("non-string field is rejected", () => {
  assert.throws(
    () => parseClientConfig(COMPLETE.replace("region: us-east-1", "region: [a, b]"), "cli.yaml"),
    /field "region" in client config cli.yaml must be a string/,
  );
});

test("invalid endpoint names the field", () => {
  assert.throws(
    () => parseClientConfig(COMPLETE.replace("http://127.0.0.1:8888", "ftp://127.0.0.1"), "cli.yaml"),
    /field "endpoint" in client config cli.yaml is invalid: endpoint "ftp:\/\/127.0.0.1" must use http or https/,
  );
});

test("invalid YAML names the path", () => {
  assert.throws(() => parseClientConfig("endpoint: [unclosed", "/x/cli.yaml"), /client config \/x\/cli.yaml is not valid YAML/);
});

test("YAML that is not a mapping is rejected", () => {
  assert.throws(() => parseClientConfig("- a\n- b\n", "cli.yaml"), /must be a YAML mapping with the fields endpoint, cluster, region, version/);
  assert.throws(() => parseClientConfig("", "cli.yaml"), /must be a YAML mapping/);
});

test("missing file names the path and the variable", async () => {
  const missingDir = join(configDir, "absent");
  await assert.rejects(readClientConfig(missingDir), (error: Error) => {
    assert.ok(error instanceof ClientConfigError);
    assert.match(error.message, new RegExp(`client config ${join(missingDir, "cli.yaml")} not found`));
    assert.match(error.message, /CORTEX_CLI_CONFIG_DIR/);
    return true;
  });
});

test("fromConfig reads the endpoint from cli.yaml", async () => {
  await writeFile(join(configDir, "cli.yaml"), COMPLETE.replace("8888", "9999/"));
  const client = await CortexClient.fromConfig(configDir);
  assert.equal(client.endpoint, "http://127.0.0.1:9999");
});

test("version mismatch warns once per process", async () => {
  const otherDir = await mkdtemp(join(tmpdir(), "cortex-client-config-"));
  await writeFile(join(otherDir, "cli.yaml"), COMPLETE.replace(`version: ${CORTEX_VERSION}`, "version: 0.0.1-other"));

  const warnings: Error[] = [];
  const collect = (warning: Error) => {
    if ((warning as Error & { code?: string }).code === "CORTEX_VERSION_MISMATCH") warnings.push(warning);
  };
  process.on("warning", collect);
  try {
    await CortexClient.fromConfig(otherDir);
    await CortexClient.fromConfig(otherDir);
    // Node emits process warnings on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off("warning", collect);
    await rm(otherDir, { recursive: true, force: true });
  }

  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!.message, new RegExp(`is for cortex-async 0.0.1-other but this client is ${CORTEX_VERSION.replaceAll(".", "\\.")}`));
});
