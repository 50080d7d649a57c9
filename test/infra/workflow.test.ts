import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse } from "yaml";

// The pull request preview workflow: valid YAML with a `pulumi preview` job
// that authenticates through OIDC, and a job that posts the render diff.

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
}

interface Job {
  "runs-on": string;
  permissions?: Record<string, string>;
  steps: Step[];
}

const workflow = parse(readFileSync(new URL("../../.github/workflows/preview.yml", import.meta.url), "utf8")) as {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
};

function stepUsing(job: Job, action: string): Step {
  const step = job.steps.find((candidate) => candidate.uses?.startsWith(`${action}@`));
  assert.ok(step, `no step uses ${action}`);
  return step;
}

function commands(job: Job): string {
  return job.steps.map((step) => step.run ?? "").join("\n");
}

test("workflow runs on pull requests", () => {
  assert.ok("pull_request" in workflow.on);
  assert.deepEqual(Object.keys(workflow.jobs).sort(), ["preview", "render-diff"]);
});

test("preview job installs with npm ci", () => {
  assert.match(commands(workflow.jobs.preview!), /^npm ci$/m);
});

test("preview job assumes a role through OIDC", () => {
  const job = workflow.jobs.preview!;
  const credentials = stepUsing(job, "aws-actions/configure-aws-credentials");

  assert.equal(job.permissions?.["id-token"], "write");
  assert.equal(credentials.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}");
});

test("preview job comments the pulumi preview", () => {
  const job = workflow.jobs.preview!;
  const pulumi = stepUsing(job, "pulumi/actions");

  assert.equal(pulumi.with?.command, "preview");
  assert.equal(pulumi.with?.["comment-on-pr"], true);
  assert.equal(job.permissions?.["pull-requests"], "write");
  assert.ok(job.steps.indexOf(pulumi) > job.steps.indexOf(stepUsing(job, "aws-actions/configure-aws-credentials")));
});

test("render job renders base and head", () => {
  const job = workflow.jobs["render-diff"]!;
  const script = commands(job);

  assert.equal((script.match(/npm run render --silent >/g) ?? []).length, 2);
  assert.match(script, /git worktree add "\$RUNNER_TEMP\/base" "\$BASE_SHA"/);
  assert.match(script, /diff -u/);
  assert.ok(stepUsing(job, "actions/github-script").with?.script);
});

test("every action is pinned to a major version", () => {
  for (const job of Object.values(workflow.jobs)) {
    for (const step of job.steps.filter((candidate) => candidate.uses)) {
      assert.match(step.uses!, /^[\w.-]+\/[\w.-]+@v\d+$/, step.uses);
    }
  }
});
