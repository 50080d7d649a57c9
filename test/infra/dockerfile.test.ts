import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEQUEUER_COMMAND } from "../../components/async-api/containers.js";
import { RUNTIME_ENTRY_POINTS } from "../../scripts/runtime-bundle.js";

// The runtime image's Dockerfile, read as text: no Docker engine runs in the tests.
// test/infra/runtime-bundle.test.ts runs the bundles the image holds.

const root = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(`${root}/runtime/Dockerfile`, "utf8");
const instructions = dockerfile
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"))
  .map((line) => line.trim());
const dockerignore = readFileSync(`${root}/.dockerignore`, "utf8")
  .split("\n")
  .filter((line) => line.trim() !== "" && !line.startsWith("#"));

/** Instructions of each stage, each list starting with its FROM. */
const stages = instructions.reduce<string[][]>((list, line) => {
  if (line.startsWith("FROM ")) list.push([line]);
  else list.at(-1)?.push(line);
  return list;
}, []);
const buildStage = stages[0] ?? [];
const finalStage = stages.at(-1) ?? [];

const BUNDLE_DIRECTORY = "/app/dist";
const BUNDLE_SCRIPTS = ["scripts/build-runtime.ts", "scripts/runtime-bundle.ts"];

test("image has a build stage and a final stage", () => {
  assert.equal(stages.length, 2);
  assert.match(buildStage[0]!, / AS build$/);
  assert.doesNotMatch(finalStage[0]!, / AS /);
});

test("both stages build on Node 22", () => {
  for (const stage of stages) assert.match(stage[0]!, /^FROM node:22(-[\w.-]+)?( AS \w+)?$/);
});

test("build stage installs dev dependencies without install scripts", () => {
  const install = buildStage.filter((line) => line.startsWith("RUN npm ci"));
  assert.equal(install.length, 1);
  assert.match(install[0]!, /--ignore-scripts\b/);
  assert.doesNotMatch(install[0]!, /--omit=dev|--production/);
});

test("build stage bundles into the copied directory", () => {
  assert.ok(buildStage.includes("WORKDIR /app"));
  assert.ok(buildStage.includes(`RUN npm run build:runtime -- ${BUNDLE_DIRECTORY}`));

  const manifest = JSON.parse(readFileSync(`${root}/package.json`, "utf8")) as { scripts: Record<string, string> };
  assert.equal(manifest.scripts["build:runtime"], "tsx scripts/build-runtime.ts");
});

test("final stage holds the bundles only", () => {
  const copies = finalStage.filter((line) => line.startsWith("COPY "));
  assert.deepEqual(copies, [`COPY --from=build ${BUNDLE_DIRECTORY}/ dist/`]);
  assert.ok(finalStage.includes("WORKDIR /app"));
  assert.deepEqual(
    finalStage.filter((line) => line.startsWith("RUN ")),
    [],
    "the final stage installs nothing, so no dependency of any kind reaches it",
  );
});

test("image runs as a non-root user", () => {
  const users = finalStage.filter((line) => line.startsWith("USER "));
  assert.deepEqual(users, ["USER node"]);
  assert.ok(finalStage.indexOf("USER node") > finalStage.findIndex((line) => line.startsWith("COPY ")));
});

test("default command runs the gateway bundle", () => {
  assert.equal(instructions.at(-1), `CMD ["node", "--enable-source-maps", "${BUNDLE_DIRECTORY}/gateway.mjs"]`);
});

test("dequeuer command runs the dequeuer bundle", () => {
  assert.deepEqual(DEQUEUER_COMMAND, ["node", "--enable-source-maps", `${BUNDLE_DIRECTORY}/dequeuer.mjs`]);
});

test("bundle script builds both entry points", () => {
  assert.deepEqual(Object.keys(RUNTIME_ENTRY_POINTS).sort(), ["dequeuer", "gateway"]);
  for (const entry of Object.values(RUNTIME_ENTRY_POINTS)) assert.ok(existsSync(`${root}/${entry}`), entry);
});

test("copied sources exist and pass the dockerignore", () => {
  const copied = buildStage
    .filter((line) => line.startsWith("COPY "))
    .flatMap((line) => line.split(/\s+/).slice(1, -1))
    .map((source) => source.replace(/\/$/, ""));

  assert.deepEqual(copied, ["package.json", "package-lock.json", "tsconfig.json", ...BUNDLE_SCRIPTS, "runtime"]);
  assert.equal(dockerignore[0], "**");
  for (const source of copied) {
    assert.ok(existsSync(`${root}/${source}`), source);
    assert.ok(dockerignore.includes(`!${source}`) || dockerignore.includes(`!${source}/`), `.dockerignore lets ${source} in`);
  }
});

test("copied scripts import only copied files", () => {
  for (const script of BUNDLE_SCRIPTS) {
    const source = readFileSync(join(root, script), "utf8");
    const specifiers = [...source.matchAll(/from "(\.[^"]+)"/g)].map((match) => match[1]!);
    for (const specifier of specifiers) {
      const imported = relative(root, resolve(root, dirname(script), specifier.replace(/\.js$/, ".ts")));
      assert.ok(BUNDLE_SCRIPTS.includes(imported), `${script} imports ${imported}, which the build stage does not copy`);
    }
  }
});
