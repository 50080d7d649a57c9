import { createRequire } from "node:module";

// Checks a rendered Kubernetes object against the upstream schemas that
// kubernetes-models, @kubernetes-models/keda and @kubernetes-models/istio ship.
//
// The models' `validate()` checks types, required fields and quantities, but a
// misspelt or unknown field name passes it, because the schemas do not forbid
// additional properties. The packages ship their schemas as compiled validator
// code, not as JSON, so there is no schema to walk. Instead the validator runs
// over a proxy of the object that records which keys it reads: a compiled
// validator reads every property its schema declares, and enumerates the keys
// of map-like objects (labels, annotations, trigger metadata). A key that the
// validator never read is unknown to the schema.

const require = createRequire(import.meta.url);

interface ModelClass {
  new (data: object): { validate(): void };
}

/** Returns the module that exports the model classes of an API group and version. */
function modelModule(apiVersion: string): string {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  if (group === "keda.sh") return `@kubernetes-models/keda/${group}/${version}`;
  if (group!.endsWith(".istio.io")) return `@kubernetes-models/istio/${group}/${version}`;
  return group === "" ? `kubernetes-models/${version}` : `kubernetes-models/${group}/${version}`;
}

function modelClass(apiVersion: string, kind: string): ModelClass {
  const path = modelModule(apiVersion);
  let exports: Record<string, unknown>;
  try {
    exports = require(path) as Record<string, unknown>;
  } catch {
    throw new Error(`no schema package for apiVersion ${apiVersion}: expected module ${path}`);
  }

  const model = exports[kind];
  if (typeof model !== "function") throw new Error(`no schema for kind ${kind} in apiVersion ${apiVersion}`);
  return model as ModelClass;
}

/** What the validator did with one object of the tree. */
interface Visit {
  path: string;
  keys: string[];
  read: Set<string>;
  enumerated: boolean;
}

/** Copies `value` into proxies that record the validator's reads, and registers every object in `visits`. */
function instrument(value: unknown, path: string, visits: Visit[], prototype: object = Object.prototype): unknown {
  if (Array.isArray(value)) return value.map((item, index) => instrument(item, `${path}/${index}`, visits));
  if (value === null || typeof value !== "object") return value;

  const visit: Visit = { path, keys: Object.keys(value), read: new Set(), enumerated: false };
  visits.push(visit);

  const target = Object.create(prototype) as Record<string, unknown>;
  for (const [key, child] of Object.entries(value)) {
    target[key] = instrument(child, `${path}/${key}`, visits);
  }

  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === "string") visit.read.add(key);
      return Reflect.get(object, key, receiver);
    },
    ownKeys(object) {
      visit.enumerated = true;
      return Reflect.ownKeys(object);
    },
  });
}

/**
 * Returns the keys that the validator never read, as JSON pointers. An object whose keys the validator enumerated is a map, and one
 * none of whose keys it read has a free-form schema: neither can have an
 * unknown key.
 */
function unknownKeys(visits: readonly Visit[]): string[] {
  const unknown: string[] = [];
  for (const visit of visits) {
    if (visit.enumerated || visit.read.size === 0) continue;
    for (const key of visit.keys) {
      if (!visit.read.has(key)) unknown.push(`${visit.path}/${key}`);
    }
  }
  return unknown;
}

/**
 * Validates a Kubernetes object (with `apiVersion` and `kind`) against its
 * upstream schema and rejects any key the schema does not declare. Throws an
 * error naming the object and every problem found.
 */
export function validateKubernetesObject(object: Record<string, unknown>): void {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== "string" || typeof kind !== "string") {
    throw new Error(`object has no apiVersion or kind: ${JSON.stringify(object).slice(0, 200)}`);
  }
  const Model = modelClass(apiVersion, kind);
  const name = (object.metadata as { name?: string } | undefined)?.name ?? "(unnamed)";

  // The models' validate() reads `this`, so calling it on the proxy validates the
  // instrumented copy. The proxy's prototype carries the schema id that older models look up.
  const visits: Visit[] = [];
  const instrumented = instrument(object, "", visits, Model.prototype) as { validate(): void };
  try {
    Model.prototype.validate.call(instrumented);
  } catch (error) {
    throw new Error(`${kind} ${name} does not match its schema: ${(error as Error).message}`);
  }

  const unknown = unknownKeys(visits);
  if (unknown.length > 0) {
    throw new Error(`${kind} ${name} has keys its schema does not declare: ${unknown.join(", ")}`);
  }
}

/** Type tokens of the Pulumi Kubernetes resources that render one Kubernetes object each. */
export function isKubernetesObjectType(type: string): boolean {
  return type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/") && type !== "kubernetes:yaml/v2:ConfigGroup";
}
