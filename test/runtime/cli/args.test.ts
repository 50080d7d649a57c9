import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { DEV_HELP, parseDevArgs } from "../../../runtime/cli/commands/dev.js";
import { GET_HELP } from "../../../runtime/cli/commands/get.js";
import { SUBMIT_HELP } from "../../../runtime/cli/commands/submit.js";
import { runCli } from "../../../runtime/cli/run.js";
import { CORTEX_VERSION } from "../../../runtime/shared/version.js";
import { capturedIo } from "./captured-io.js";

const BIN = fileURLToPath(new URL("../../../runtime/cli/bin.js", import.meta.url));

/** Runs `cortex <argv>` in this process and returns its exit code and output. */
async function cortex(argv: string[]) {
  const io = capturedIo();
  const code = await runCli(argv, io);
  return { code, stdout: io.output(), stderr: io.errors() };
}

test("no command prints help and exits 2", async () => {
  const { code, stdout } = await cortex([]);
  assert.equal(code, 2);
  assert.match(stdout, /Usage: cortex <command>/);
});

test("--help exits 0", async () => {
  const { code, stdout } = await cortex(["--help"]);
  assert.equal(code, 0);
  assert.match(stdout, /submit .*\n.*get .*\n.*dev /s);
});

test("--version prints the version", async () => {
  assert.deepEqual(await cortex(["--version"]), { code: 0, stdout: `${CORTEX_VERSION}\n`, stderr: "" });
});

test("unknown command is named", async () => {
  const { code, stderr } = await cortex(["deploy"]);
  assert.equal(code, 2);
  assert.match(stderr, /unknown command "deploy"/);
});

test("unknown flag is named for every command", async () => {
  for (const command of ["submit", "get", "dev"]) {
    const { code, stderr } = await cortex([command, "--bogus", "x"]);
    assert.equal(code, 2, command);
    assert.match(stderr, new RegExp(`cortex ${command}: unknown flag --bogus\\nSee "cortex ${command} --help"`), command);
  }
});

test("flag without its value is named", async () => {
  const { code, stderr } = await cortex(["dev", "--port"]);
  assert.equal(code, 2);
  assert.match(stderr, /--port <value>' argument missing/);
});

test("missing api is rejected", async () => {
  const submit = await cortex(["submit"]);
  assert.equal(submit.code, 2);
  assert.match(submit.stderr, /missing <api>/);

  const get = await cortex(["get"]);
  assert.equal(get.code, 2);
  assert.match(get.stderr, /missing <api>/);
});

test("get without id is rejected", async () => {
  const { code, stderr } = await cortex(["get", "hello-world"]);
  assert.equal(code, 2);
  assert.match(stderr, /missing <id>/);
});

test("invalid API name is rejected", async () => {
  const { code, stderr } = await cortex(["get", "Hello_World", "some-id"]);
  assert.equal(code, 2);
  assert.match(stderr, /invalid API name "Hello_World"/);
});

test("get --timeout needs --wait", async () => {
  const { code, stderr } = await cortex(["get", "a", "some-id", "--timeout", "5"]);
  assert.equal(code, 2);
  assert.match(stderr, /--timeout needs --wait/);
});

test("get --timeout must be positive", async () => {
  for (const value of ["0", "-1", "soon", ""]) {
    const { code, stderr } = await cortex(["get", "a", "some-id", "--wait", `--timeout=${value}`]);
    assert.equal(code, 2, value);
    assert.match(stderr, /--timeout must be a positive number of seconds/, value);
  }
});

test("submit rejects a second file", async () => {
  const { code, stderr } = await cortex(["submit", "a", "one.json", "two.json"]);
  assert.equal(code, 2);
  assert.match(stderr, /unexpected argument "two.json"/);
});

test("invalid endpoint is named", async () => {
  const { code, stderr } = await cortex(["get", "a", "some-id", "--endpoint", "localhost:8888"]);
  assert.equal(code, 2);
  assert.match(stderr, /--endpoint is invalid: endpoint "localhost:8888" must use http or https/);
});

test("dev readiness flags conflict", async () => {
  const { code, stderr } = await cortex(["dev", "--readiness-http", "/healthz", "--readiness-tcp", "--", "node", "server.js"]);
  assert.equal(code, 2);
  assert.match(stderr, /--readiness-http and --readiness-tcp cannot be used together/);
});

test("dev without a command is rejected", async () => {
  for (const argv of [["dev"], ["dev", "--"]]) {
    const { code, stderr } = await cortex(argv);
    assert.equal(code, 2);
    assert.match(stderr, /missing server command: add it after --/);
  }
});

test("dev rejects arguments before --", async () => {
  const { code, stderr } = await cortex(["dev", "node", "server.js"]);
  assert.equal(code, 2);
  assert.match(stderr, /unexpected argument "node": put your server's command after --/);
});

test("dev flag values are checked", async () => {
  const cases: [string[], RegExp][] = [
    [["--port", "0"], /--port must be a whole number from 1 to 65535, got "0"/],
    [["--port", "8080.5"], /--port must be a whole number/],
    [["--gateway-port", "70000"], /--gateway-port must be a whole number from 1 to 65535, got "70000"/],
    [["--admin-port", "x"], /--admin-port must be a whole number/],
    [["--max-concurrency", "101"], /--max-concurrency must be a whole number from 1 to 100, got "101"/],
    [["--max-processing-seconds", "43200"], /--max-processing-seconds must be a whole number from 1 to 43170/],
    [["--name", "Hello"], /--name "Hello" is not a valid API name/],
    [["--readiness-http", "healthz"], /--readiness-http must be a path starting with "\/", got "healthz"/],
    [["--port", "9000", "--admin-port", "9000"], /--port and --admin-port are both 9000/],
  ];
  for (const [flags, expected] of cases) {
    const { code, stderr } = await cortex(["dev", ...flags, "--", "node", "server.js"]);
    assert.equal(code, 2, flags.join(" "));
    assert.match(stderr, expected, flags.join(" "));
  }
});

test("dev defaults match the help text", () => {
  assert.deepEqual(parseDevArgs(["--", "node", "server.js"]), {
    api: "hello-world",
    userPort: 8080,
    gatewayPort: 8888,
    maxConcurrency: 1,
    readiness: { kind: "tcp" },
    command: "node",
    args: ["server.js"],
  });
});

test("dev passes flags after -- to the command", () => {
  const options = parseDevArgs(["--name", "echo", "--readiness-http", "/ready", "--admin-port", "9001", "--", "python3", "-m", "app", "--port", "1"]);
  assert.ok(options !== "help");
  assert.equal(options.api, "echo");
  assert.deepEqual(options.readiness, { kind: "http", path: "/ready" });
  assert.equal(options.adminPort, 9001);
  assert.equal(options.userPort, 8080);
  assert.equal(options.command, "python3");
  assert.deepEqual(options.args, ["-m", "app", "--port", "1"]);
});

test("help lists every flag", () => {
  const flags: [string, string[]][] = [
    [DEV_HELP, ["--name", "--port", "--gateway-port", "--admin-port", "--max-concurrency", "--readiness-http", "--readiness-tcp", "--max-processing-seconds", "--help"]],
    [SUBMIT_HELP, ["--content-type", "--endpoint", "--json", "--help"]],
    [GET_HELP, ["--wait", "--timeout", "--endpoint", "--help"]],
  ];
  for (const [help, names] of flags) {
    for (const name of names) assert.match(help, new RegExp(`^  (-h, )?${name} `, "m"), name);
  }
});

test("bin shim runs the CLI and sets the exit code", () => {
  const result = spawnSync(process.execPath, [BIN, "dev", "--readiness-tcp", "--readiness-http", "/x", "--", "node"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--readiness-http and --readiness-tcp cannot be used together/);
});
