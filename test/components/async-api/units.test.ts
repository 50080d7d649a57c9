import assert from "node:assert/strict";
import { test } from "node:test";
import { durationSeconds, isPositiveQuantity } from "../../../components/async-api/units.js";

test("quantities in Kubernetes notation pass", () => {
  for (const value of ["200m", "1", "0.5", "2Gi", "512Mi", "1e3", "1.5G", 2, 0.25]) {
    assert.equal(isPositiveQuantity(value), true, String(value));
  }
});

test("malformed or zero quantities fail", () => {
  for (const value of ["2 cores", "1gb", "Gi", "", "-1", "0", "0m", 0, -2, Number.NaN]) {
    assert.equal(isPositiveQuantity(value), false, String(value));
  }
});

test("durations convert to seconds", () => {
  const cases: [number | string, number][] = [
    [60, 60],
    ["60s", 60],
    ["1m", 60],
    ["5m", 300],
    ["1h30m", 5400],
    ["1m30s", 90],
    ["500ms", 0.5],
  ];
  for (const [value, seconds] of cases) {
    assert.equal(durationSeconds(value), seconds, String(value));
  }
});

test("durations in other formats are rejected", () => {
  for (const value of ["1 minute", "5", "m", "1d", ""]) {
    assert.equal(durationSeconds(value), undefined, value);
  }
});
