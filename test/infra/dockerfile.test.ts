import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

// The runtime image's Dockerfile, read as text: no Docker engine runs in the tests.

const root = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(`${root}/runtime/Dockerfile`, "utf8");
const instructions = dockerfile
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line) => line.trim());
const dockerignore = readFileSync(`${root}/.dockerignore`, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"));

test("image builds on Node 22", () => {
  assert.match(instructions[0]!, /^FROM node:22(-[\w.-]+)?$/);
});

test("image installs production dependencies only", () => {
  assert.ok(instructions.includes("WORKDIR /app"));
  assert.ok(instructions.some((line) => /^RUN npm ci --omit=dev\b/.test(line)));
});

test("image runs as a non-root user", () => {
  const user = instructions.filter((line) => line.startsWith("USER "));
  assert.deepEqual(user, ["USER node"]);
  assert.ok(instructions.indexOf("USER node") > instructions.findIndex((line) => line.startsWith("RUN ")));
});

test("default command runs the gateway", () => {
  assert.equal(instructions.at(-1), 'CMD ["node", "--import", "tsx", "runtime/gateway/main.ts"]');
});

test("tsx is a production dependency", () => {
  const manifest = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { dependencies: Record<string, string> };
  assert.ok(manifest.dependencies.tsx);
});

test("copied sources exist and pass the dockerignore", () => {
  const copied = instructions
    .filter((line) => line.startsWith("COPY "))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))
    .map((source) => source.replace(/\/$/, ""));

  assert.deepEqual(copied, ["package.json", "package-lock.json", "tsconfig.json", "runtime"]);
  assert.equal(dockerignore[0], "**");
  for (const source of copied) {
    assert.ok(existsSync(`${root}/${source}`), source);
    assert.ok(dockerignore.includes(`!${source}`) || dockerignore.includes(`!${source}/`), `.dockerignore lets ${source} in`);
  }
});

test("both entry points are in the copied sources", () => {
  assert.ok(existsSync(`${root}/runtime/gateway/main.ts`));
  assert.ok(existsSync(`${root}/runtime/dequeuer/main.ts`));
});
