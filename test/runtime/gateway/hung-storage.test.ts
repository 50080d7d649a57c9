import assert from "node:assert/strict";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { buildInjectGateway, type InjectGateway } from "./support/gateway-fixture.js";

// A storage endpoint on 127.0.0.1 that accepts connections and never replies. The
// gateway's clients here get a 1 s socket timeout where main.ts sets 60 s, and a
// hung call must end in a 503 rather than hold the request forever.

let silent: Server;
const sockets: Socket[] = [];
let gateway: InjectGateway;

before(async () => {
  silent = createServer((socket) => {
    sockets.push(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;

  gateway = await buildInjectGateway(endpoint, { maxAttempts: 1, requestHandler: { connectionTimeout: 1_000, socketTimeout: 1_000 } });
});

after(async () => {
  await gateway.close();
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
});

test("hung storage answers 503 after the timeout", async () => {
  const response = await gateway.app.inject({ method: "POST", url: "/hung", payload: "x" });

  assert.equal(response.statusCode, 503);
  assert.equal(response.json().error, "storage_unavailable");
  const logged = await gateway.logs.waitFor((line) => line.msg === "request failed" && line.api === "hung");
  assert.equal((logged.err as { name?: string }).name, "TimeoutError");
});
