import * as pulumi from "@pulumi/pulumi";

// Pulumi mocks for component tests: every registered resource, components
// included, is recorded with the inputs it was given, and AWS resources get
// plausible ids and ARNs so code reading their outputs can run.

export const ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-west-2";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider: string | undefined;
}

export const recorded: RecordedResource[] = [];

function serviceOf(type: string): string {
  const module = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return module === "index" ? "aws" : module;
}

function plausibleState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const { type, name, inputs } = args;
  if (!type.startsWith("aws:")) return {};

  const physicalName = inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}mock` : name);
  const state: Record<string, unknown> = {
    arn: `arn:aws:${serviceOf(type)}:${MOCK_REGION}:${ACCOUNT_ID}:${physicalName}`,
    name: physicalName,
  };

  switch (type) {
    case "aws:sqs/queue:Queue": {
      const queueName = inputs.fifoQueue && !String(physicalName).endsWith(".fifo") ? `${physicalName}.fifo` : physicalName;
      state.name = queueName;
      state.arn = `arn:aws:sqs:${MOCK_REGION}:${ACCOUNT_ID}:${queueName}`;
      state.url = `https://sqs.${MOCK_REGION}.amazonaws.com/${ACCOUNT_ID}/${queueName}`;
      break;
    }
    case "aws:s3/bucketV2:BucketV2":
    case "aws:s3/bucket:Bucket": {
      const bucket = inputs.bucket ?? `${inputs.bucketPrefix ?? name}mock`;
      state.bucket = bucket;
      state.arn = `arn:aws:s3:::${bucket}`;
      break;
    }
    case "aws:iam/role:Role":
      state.arn = `arn:aws:iam::${ACCOUNT_ID}:role/${physicalName}`;
      break;
    case "aws:eks/cluster:Cluster":
      state.endpoint = `https://${name}.eks.${MOCK_REGION}.amazonaws.com`;
      state.certificateAuthority = { data: "bW9jay1jYQ==" };
      state.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${MOCK_REGION}.amazonaws.com/id/MOCK` }] }];
      break;
    case "aws:ecr/repository:Repository":
      state.repositoryUrl = `${ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${physicalName}`;
      break;
  }
  return state;
}

const cannedCalls: Record<string, Record<string, unknown>> = {
  "aws:index/getRegion:getRegion": { name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION },
  "aws:index/getCallerIdentity:getCallerIdentity": { accountId: ACCOUNT_ID, arn: `arn:aws:iam::${ACCOUNT_ID}:user/mock`, userId: "mock" },
  "aws:index/getPartition:getPartition": { partition: "aws", dnsSuffix: "amazonaws.com" },
  "aws:index/getAvailabilityZones:getAvailabilityZones": {
    names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`],
    zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3"],
  },
};

/** Installs the mocks; call before importing any component module. */
export function installMocks(project = "cortex", stack = "test"): void {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, provider: args.provider });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...plausibleState(args) } };
      },
      call(args) {
        const canned = cannedCalls[args.token];
        if (!canned) throw new Error(`no canned result for invoke ${args.token}; add one to pulumi-mocks.ts`);
        return canned;
      },
    },
    project,
    stack,
    false,
  );
}

/** Resolves an output's value; mocks run with preview off, so every output resolves. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Recorded resources of one type token, for example `kubernetes:apps/v1:Deployment`. */
export function resourcesOfType(type: string): RecordedResource[] {
  return recorded.filter((resource) => resource.type === type);
}
