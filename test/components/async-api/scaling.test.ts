import assert from "node:assert/strict";
import { test } from "node:test";
import { scalingBehavior } from "../../../components/async-api/scaling.js";
import type { AutoscalingSpec } from "../../../components/async-api/spec.js";

const defaults: AutoscalingSpec = {
  minReplicas: 1,
  maxReplicas: 100,
  targetInFlight: 1,
  windowSeconds: 60,
  upscaleStabilizationSeconds: 60,
  downscaleStabilizationSeconds: 300,
  maxUpscaleFactor: 1.5,
  maxDownscaleFactor: 0.75,
  upscaleTolerance: 0.05,
  downscaleTolerance: 0.05,
  fallbackReplicas: 1,
};

test("factors map to Percent policies", () => {
  const cases: [number, number, number, number][] = [
    [1.5, 0.75, 50, 25],
    [2, 0.5, 100, 50],
    [3, 0, 200, 100],
    [1.001, 0.999, 1, 1],
  ];
  for (const [maxUpscaleFactor, maxDownscaleFactor, up, down] of cases) {
    const behavior = scalingBehavior({ ...defaults, maxUpscaleFactor, maxDownscaleFactor });
    assert.equal(behavior.scaleUp.policies[0]!.value, up, `up ${maxUpscaleFactor}`);
    assert.equal(behavior.scaleDown.policies[0]!.value, down, `down ${maxDownscaleFactor}`);
  }
});

test("stabilization periods map to windows", () => {
  const behavior = scalingBehavior({ ...defaults, upscaleStabilizationSeconds: 0, downscaleStabilizationSeconds: 600 });
  assert.equal(behavior.scaleUp.stabilizationWindowSeconds, 0);
  assert.equal(behavior.scaleDown.stabilizationWindowSeconds, 600);
});
