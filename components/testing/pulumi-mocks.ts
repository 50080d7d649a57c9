import * as pulumi from "@pulumi/pulumi";

// Pulumi mocks shared by the component tests and `npm run render`: every
// registered resource, components included, is recorded with the inputs it
// was given, and resources get plausible ids, ARNs and statuses so code
// reading their outputs can run. Nothing here calls a cloud.

export const ACCOUNT_ID = "123456789012";
export const MOCK_REGION = "us-west-2";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, any>;
  provider: string | undefined;
  /** Id of an existing resource read with `.get()`; undefined for a resource the program creates. */
  readId?: string;
}

export const recorded: RecordedResource[] = [];

function serviceOf(type: string): string {
  const module = type.split(":")[1]?.split("/")[0] ?? "unknown";
  return module === "index" ? "aws" : module;
}

function plausibleAwsState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const { type, name, inputs } = args;
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
      state.registryId = ACCOUNT_ID;
      state.repositoryUrl = `${ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com/${physicalName}`;
      break;
  }
  return state;
}

function plausibleState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const { type, name, inputs } = args;
  if (type.startsWith("aws:")) return plausibleAwsState(args);

  switch (type) {
    case "kubernetes:helm.sh/v3:Release":
      return { status: { name: inputs.name ?? name, namespace: inputs.namespace ?? "default", status: "deployed", chart: inputs.chart, version: inputs.version } };
    case "kubernetes:core/v1:Service":
      // A Service of type LoadBalancer, as the cloud provider leaves it once the load balancer exists.
      return { status: { loadBalancer: { ingress: [{ hostname: `${name}-mock.elb.${MOCK_REGION}.amazonaws.com` }] } } };
    case "docker-build:index:Image": {
      const tag = (inputs.tags as string[] | undefined)?.[0] ?? name;
      return { ref: `${tag}@sha256:${"0".repeat(64)}`, digest: `sha256:${"0".repeat(64)}` };
    }
  }
  return {};
}

const cannedCalls: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
  "aws:index/getRegion:getRegion": () => ({ name: MOCK_REGION, region: MOCK_REGION, id: MOCK_REGION }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: ACCOUNT_ID,
    arn: `arn:aws:iam::${ACCOUNT_ID}:user/mock`,
    userId: "mock",
  }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: [`${MOCK_REGION}a`, `${MOCK_REGION}b`, `${MOCK_REGION}c`],
    zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3"],
  }),
  // For an IAM user, as the caller above is, the issuer is the user itself.
  "aws:iam/getSessionContext:getSessionContext": (inputs) => ({ arn: inputs.arn, issuerArn: inputs.arn, issuerName: "mock" }),
  "aws:ecr/getAuthorizationToken:getAuthorizationToken": () => ({
    authorizationToken: "QVdTOm1vY2s=",
    userName: "AWS",
    password: "mock-registry-password",
    proxyEndpoint: `https://${ACCOUNT_ID}.dkr.ecr.${MOCK_REGION}.amazonaws.com`,
    expiresAt: "2000-01-01T00:00:00Z",
  }),
  "aws:eks/getCluster:getCluster": (inputs) => ({
    name: inputs.name,
    arn: `arn:aws:eks:${MOCK_REGION}:${ACCOUNT_ID}:cluster/${inputs.name}`,
    endpoint: `https://${inputs.name}.eks.${MOCK_REGION}.amazonaws.com`,
    certificateAuthorities: [{ data: "bW9jay1jYQ==" }],
  }),
};

/** Installs the mocks; call before importing any component module. */
export function installMocks(project = "cortex", stack = "test"): void {
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        recorded.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs,
          provider: args.provider,
          ...(args.id ? { readId: args.id } : {}),
        });
        return { id: args.id || `${args.name}-id`, state: { ...args.inputs, ...plausibleState(args) } };
      },
      call(args) {
        const canned = cannedCalls[args.token];
        if (!canned) throw new Error(`no canned result for invoke ${args.token}; add one to components/testing/pulumi-mocks.ts`);
        return canned(args.inputs);
      },
    },
    project,
    stack,
    false,
  );
}

/** Tells whether a recorded input value is secret: the mocks receive secrets wrapped in a marked object. */
export function isSecretInput(value: unknown): boolean {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig
  );
}

/** Returns a recorded input value with every secret replaced by `replace(secret value)`. */
export function replaceSecrets(value: unknown, replace: (secret: unknown) => unknown): any {
  if (isSecretInput(value)) return replace((value as { value: unknown }).value);
  if (Array.isArray(value)) return value.map((item) => replaceSecrets(item, replace));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, replaceSecrets(inner, replace)]));
  }
  return value;
}

/** Returns a recorded input value with every secret unwrapped, for assertions on what a secret contains. */
export function revealed(value: unknown): any {
  return replaceSecrets(value, (secret) => revealed(secret));
}

/** Resolves an output's value; mocks run with preview off, so every output resolves. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/** Recorded resources of one type token, for example `kubernetes:apps/v1:Deployment`. */
export function resourcesOfType(type: string): RecordedResource[] {
  return recorded.filter((resource) => resource.type === type);
}
