import assert from "node:assert/strict";
import { test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { applyTransform, mergeArgs } from "../../../components/transform.js";
import { argumentError, formatList, formatValue } from "../../../components/errors.js";

interface QueueArgs {
  visibilityTimeoutSeconds?: number;
  tags?: Record<string, string>;
  policies?: string[];
}

const base: QueueArgs = { visibilityTimeoutSeconds: 30, tags: { api: "hello", team: "ml" }, policies: ["a", "b"] };

test("partial args merge objects key by key", () => {
  const merged = mergeArgs(base, { tags: { team: "search" } });
  assert.deepEqual(merged.tags, { api: "hello", team: "search" });
  assert.equal(merged.visibilityTimeoutSeconds, 30);
});

test("partial args replace arrays whole", () => {
  assert.deepEqual(mergeArgs(base, { policies: ["c"] }).policies, ["c"]);
});

test("merge leaves the base unchanged", () => {
  mergeArgs(base, { visibilityTimeoutSeconds: 60, tags: { team: "search" } });
  assert.deepEqual(base, { visibilityTimeoutSeconds: 30, tags: { api: "hello", team: "ml" }, policies: ["a", "b"] });
});

test("merge keeps outputs as values", () => {
  const tag = pulumi.output("x");
  const merged = mergeArgs<{ tag?: pulumi.Input<string> }>({ tag: "y" }, { tag });
  assert.equal(merged.tag, tag);
});

test("callback edits args and options", () => {
  const seen: string[] = [];
  const { args, opts } = applyTransform<QueueArgs, pulumi.CustomResourceOptions>(
    (args, opts, name) => {
      args.visibilityTimeoutSeconds = 90;
      opts.protect = true;
      seen.push(name);
    },
    "hello-queue",
    { ...base },
    {},
  );
  assert.equal(args.visibilityTimeoutSeconds, 90);
  assert.equal(opts.protect, true);
  assert.deepEqual(seen, ["hello-queue"]);
});

test("absent transform changes nothing", () => {
  const args = { ...base };
  const opts = {};
  const result = applyTransform<QueueArgs, pulumi.CustomResourceOptions>(undefined, "hello-queue", args, opts);
  assert.equal(result.args, args);
  assert.equal(result.opts, opts);
});

test("error message joins problem and fix", () => {
  const error = argumentError(undefined as never, "`pod.port` is 0", "Set a port between 1 and 65535");
  assert.equal(error.message, "`pod.port` is 0. Set a port between 1 and 65535.");
  assert.ok(pulumi.ResourceError.isInstance(error));
});

test("values and lists format for messages", () => {
  assert.equal(formatValue("200 m"), '"200 m"');
  assert.equal(formatValue(undefined), "undefined");
  assert.equal(formatValue("x".repeat(200)).length, 123);
  assert.equal(formatList(["cpu", "gpu"]), "`cpu`, `gpu`");
  assert.equal(formatList([]), "none");
});
