// The accelerator and the EKS AMI type implied by a node group's EC2 instance
// type. The AMIs are Amazon Linux 2023, because EKS publishes no Amazon Linux 2
// AMIs for Kubernetes 1.33 and later.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_Nodegroup.html#AmazonEKS-Type-Nodegroup-amiType

/** Instance families with NVIDIA GPUs that the EKS NVIDIA AMI supports. */
export const GPU_FAMILIES: readonly string[] = ["g4dn", "g5", "g6", "g6e", "gr6", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en"];

/** Instance families with AWS Inferentia or Trainium chips, driven by the Neuron device plugin. */
export const INF_FAMILIES: readonly string[] = ["inf2", "trn1", "trn1n", "trn2"];

const INSTANCE_TYPE = /^([a-z][a-z0-9-]*)\.([a-z0-9]+)$/;

// Graviton families carry a `g` after the generation digit (m7g, c6gn, t4g, x2gd).
const ARM_FAMILY = /^(a1|[a-z]+\d+g[a-z]*)$/;

/** Returns the family of an instance type (`g5` for `g5.xlarge`), or undefined when it is malformed. */
export function instanceFamily(instanceType: string): string | undefined {
  return INSTANCE_TYPE.exec(instanceType)?.[1];
}

/** Returns the accelerator of an instance type's family, or undefined for a CPU-only family. */
export function acceleratorOf(instanceType: string): "gpu" | "inf" | undefined {
  const family = instanceFamily(instanceType) ?? "";
  if (GPU_FAMILIES.includes(family)) return "gpu";
  if (INF_FAMILIES.includes(family)) return "inf";
  return undefined;
}

/** Returns the EKS AMI type for a node group of `instanceType`. */
export function amiTypeOf(instanceType: string): string {
  const accelerator = acceleratorOf(instanceType);
  if (accelerator === "gpu") return "AL2023_x86_64_NVIDIA";
  if (accelerator === "inf") return "AL2023_x86_64_NEURON";
  if (ARM_FAMILY.test(instanceFamily(instanceType) ?? "")) return "AL2023_ARM_64_STANDARD";
  return "AL2023_x86_64_STANDARD";
}
