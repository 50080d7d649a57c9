import assert from "node:assert/strict";
import { test } from "node:test";
import { childName, fifoQueueNamePrefixProblem, FIFO_QUEUE_NAME_PREFIX_MAX_LENGTH } from "../../../components/naming.js";

test("child names join with one hyphen", () => {
  const cases: [string, string[], string][] = [
    ["hello", ["queue"], "hello-queue"],
    ["hello", ["dead-letter", "queue"], "hello-dead-letter-queue"],
    ["hello-world", ["deployment"], "hello-world-deployment"],
  ];
  for (const [component, roles, expected] of cases) {
    assert.equal(childName(component, ...roles), expected);
  }
});

test("FIFO prefix leaves room for the generated suffix", () => {
  assert.equal(FIFO_QUEUE_NAME_PREFIX_MAX_LENGTH, 49);
  assert.equal(fifoQueueNamePrefixProblem("a".repeat(49)), undefined);
  assert.equal(
    fifoQueueNamePrefixProblem("a".repeat(50)),
    "is 50 characters long, but a FIFO queue name prefix may have at most 49",
  );
});

test("FIFO prefix rejects characters SQS rejects", () => {
  assert.equal(fifoQueueNamePrefixProblem("cortex.dev-"), "may contain only letters, digits, '-' and '_'");
});
