import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { AsyncApiHost } from "../../../components/cluster-contract.js";
import { recorded, type RecordedResource } from "../support/pulumi-mocks.js";

// A cluster for AsyncApi tests, built from real provider resources, and a way
// to render programs under the mocks. Import it only after installMocks().

let providers: { kubernetesProvider: k8s.Provider; awsProvider: aws.Provider } | undefined;

/** Returns an AsyncApiHost with node groups `cpu` (m5.large) and `gpu` (g4dn.xlarge, accelerator gpu). */
export function fakeHost(overrides: Partial<AsyncApiHost> = {}): AsyncApiHost {
  providers ??= {
    kubernetesProvider: new k8s.Provider("cluster-kubernetes", { kubeconfig: "{}" }),
    awsProvider: new aws.Provider("cluster-aws", { region: "us-west-2" }),
  };
  return {
    ...providers,
    clusterName: "cortex",
    region: "us-west-2",
    apiNamespace: "cortex-apis",
    bucketName: "cortex-bucket",
    bucketArn: "arn:aws:s3:::cortex-bucket",
    storagePrefix: "cortex",
    runtimeImage: "123456789012.dkr.ecr.us-west-2.amazonaws.com/cortex-runtime:0.1.0",
    clientConfigMapName: "cortex-client",
    nodeGroups: [{ name: "cpu" }, { name: "gpu", accelerator: "gpu" }],
    istioGateway: "istio-system/apis",
    asyncGatewayHost: "async-gateway.cortex.svc.cluster.local",
    queueNamePrefix: "cortex-",
    kedaTriggerAuthentication: "cortex-aws",
    kedaOperatorRoleName: "cortex-keda-operator",
    version: "0.1.0",
    ...overrides,
  };
}

/** Something whose registration can be awaited: a component with its raw children. */
interface Rendered {
  urn: pulumi.Output<string>;
  nodes: Readonly<Record<string, pulumi.Resource>>;
}

/**
 * Runs `program` and returns the resources it registered, once every
 * component and child has been registered.
 */
export async function render(program: () => Rendered[]): Promise<RecordedResource[]> {
  const start = recorded.length;
  const components = program();

  const urns = components.flatMap((component) => [component.urn, ...Object.values(component.nodes).map((child) => child.urn)]);
  await new Promise((resolve) => pulumi.all(urns).apply(resolve));
  return recorded.slice(start);
}

/** Returns the one recorded resource of a type, and throws when there is not exactly one. */
export function single(resources: readonly RecordedResource[], type: string, name?: string): RecordedResource {
  const matching = resources.filter((resource) => resource.type === type && (name === undefined || resource.name === name));
  if (matching.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${matching.length}`);
  return matching[0]!;
}
