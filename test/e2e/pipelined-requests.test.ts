import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import type { ApiRegistration } from "../../runtime/shared/storage-layout.js";
import { useStack } from "./support/suite.js";

// A client that pipelines a valid submit and then a malformed request must still
// get the submit's reply. The submit is queued either way, so a client that receives
// only the 400 for the malformed request never learns the id of work that will run.

let api: ApiRegistration;
const suite = useStack({
  setup: async (started) => {
    api = await started.stack.createApi();
  },
});

/** Writes `bytes` on one connection and returns everything the gateway sends until it closes the connection. */
function exchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(bytes));
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (text: string) => {
      received += text;
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.setTimeout(20_000, () => socket.destroy(new Error(`timed out after 20 s waiting for the gateway to close the connection, received: ${JSON.stringify(received)}`)));
  });
}

test("pipelined submit reply precedes the 400", async () => {
  const submit = `POST /${api.name} HTTP/1.1\r\nHost: gateway\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;
  const malformed = "NOT A REQUEST\r\n\r\n";

  const received = await exchange(suite.stack.gatewayUrl, submit + malformed);

  const firstStatusLine = received.split("\r\n", 1)[0];
  assert.equal(firstStatusLine, "HTTP/1.1 200 OK", `the gateway sent: ${JSON.stringify(received)}`);

  const id = /\{"id":"([0-9a-f-]{36})"\}/.exec(received)?.[1];
  assert.ok(id !== undefined, `no request id in: ${JSON.stringify(received)}`);

  const status = await fetch(`${suite.stack.gatewayUrl}/${api.name}/${id}`);
  assert.equal(status.status, 200);
});
