import assert from "node:assert/strict";
import { once } from "node:events";
import { connect } from "node:net";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startAwsFixture, startGateway, type AwsFixture } from "./support/gateway-fixture.js";

let aws: AwsFixture;

before(async () => {
  aws = await startAwsFixture();
});

after(async () => {
  await aws.close();
});

test("close finishes in-flight submits and rejects pipelined ones", async () => {
  const registration = await aws.provision("closing");
  const gateway = await startGateway(aws);
  const { port } = new URL(gateway.baseUrl);

  const socket = connect(Number(port), "127.0.0.1");
  await once(socket, "connect");
  const chunks: Buffer[] = [];
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.write("POST /closing HTTP/1.1\r\nhost: gateway\r\ncontent-type: text/plain\r\ncontent-length: 10\r\n\r\nfirst");

  // The registry lookup shows that the submit's handler runs, so the submit is in
  // flight. Then wait until close() has stopped the listener.
  while (gateway.commands.length === 0) await sleep(10);
  const closed = gateway.close();
  while (gateway.app.server.listening) await sleep(10);

  socket.write("-half" + "GET /healthz HTTP/1.1\r\nhost: gateway\r\n\r\n");
  await once(socket, "close");
  await closed;

  const text = Buffer.concat(chunks).toString("utf8");
  const [first, second] = text.split(/(?=HTTP\/1\.1 )/);
  assert.match(first ?? "", /^HTTP\/1\.1 200 /);
  assert.match(second ?? "", /^HTTP\/1\.1 503 /);
  assert.match(second ?? "", /"error":"shutting_down"/);
  assert.equal((await aws.drainQueue(registration.queueUrl)).length, 1);
});
