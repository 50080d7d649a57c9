import assert from "node:assert/strict";
import { test } from "node:test";
import { ProbeSpecError, describeProbe, parseProbeSpecs, withUserPortProbe } from "../../../runtime/dequeuer/probe-spec.js";

test("httpGet probe gets Kubernetes' defaults", () => {
  assert.deepEqual(parseProbeSpecs('[{"httpGet":{"port":8080}}]'), [
    {
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
      kind: "httpGet",
      host: "127.0.0.1",
      port: 8080,
      path: "/",
      scheme: "HTTP",
      headers: {},
    },
  ]);
});

test("every probe field is read", () => {
  const [probe] = parseProbeSpecs(
    JSON.stringify([
      {
        httpGet: { path: "/ready", port: 9000, scheme: "HTTPS", httpHeaders: [{ name: "X-Probe", value: "1" }] },
        initialDelaySeconds: 5,
        periodSeconds: 2,
        timeoutSeconds: 3,
        successThreshold: 2,
        failureThreshold: 4,
      },
    ]),
  );

  assert.deepEqual(probe, {
    initialDelaySeconds: 5,
    periodSeconds: 2,
    timeoutSeconds: 3,
    successThreshold: 2,
    failureThreshold: 4,
    kind: "httpGet",
    host: "127.0.0.1",
    port: 9000,
    path: "/ready",
    scheme: "HTTPS",
    headers: { "x-probe": "1" },
  });
});

test("TCP probe on the user port is added when no probe targets it", () => {
  const probes = withUserPortProbe(parseProbeSpecs('[{"httpGet":{"path":"/healthz","port":9000}}]'), 8080);

  assert.equal(probes.length, 2);
  assert.equal(describeProbe(probes[0]!), "httpGet http://127.0.0.1:9000/healthz");
  assert.equal(describeProbe(probes[1]!), "tcpSocket 127.0.0.1:8080");
});

test("no probe is added when one targets the user port", () => {
  const probes = withUserPortProbe(parseProbeSpecs('[{"tcpSocket":{"port":8080},"periodSeconds":3}]'), 8080);

  assert.equal(probes.length, 1);
  assert.equal(probes[0]!.periodSeconds, 3);
});

const INVALID: Array<[string, string, string]> = [
  ["not JSON", "{", "is not valid JSON"],
  ["not a list", '{"tcpSocket":{"port":1}}', "must be a JSON array of probes"],
  ["no action", "[{}]", "[0] must have an httpGet or a tcpSocket object"],
  ["two actions", '[{"httpGet":{"port":1},"tcpSocket":{"port":1}}]', "[0] must have either httpGet or tcpSocket, not both"],
  ["exec", '[{"exec":{"command":["ls"]}}]', "[0] must use httpGet or tcpSocket, because the dequeuer cannot run exec or grpc probes"],
  ["named port", '[{"httpGet":{"port":"http"}}]', '[0].httpGet.port must be a port number from 1 to 65535, got "http"'],
  ["missing port", '[{"tcpSocket":{}}]', "[0].tcpSocket.port must be a port number from 1 to 65535, got undefined"],
  ["relative path", '[{"httpGet":{"port":1,"path":"healthz"}}]', '[0].httpGet.path must start with "/", got "healthz"'],
  ["unknown scheme", '[{"httpGet":{"port":1,"scheme":"FTP"}}]', '[0].httpGet.scheme must be HTTP or HTTPS, got "FTP"'],
  ["zero period", '[{"tcpSocket":{"port":1},"periodSeconds":0}]', "[0].periodSeconds must be an integer of at least 1, got 0"],
  ["snake_case field", '[{"tcpSocket":{"port":1},"period_seconds":5}]', "[0].period_seconds is not a known field"],
  ["bad header", '[{"httpGet":{"port":1,"httpHeaders":[{"name":"x"}]}}]', "[0].httpGet.httpHeaders[0] must be {name, value} with string values"],
];

for (const [name, text, message] of INVALID) {
  test(`probe list with ${name} is rejected`, () => {
    assert.throws(
      () => parseProbeSpecs(text),
      (error: unknown) => error instanceof ProbeSpecError && error.message.startsWith(message),
    );
  });
}
