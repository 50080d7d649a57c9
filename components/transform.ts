import type * as pulumi from "@pulumi/pulumi";

// The escape hatch of every component: a `transform` per child lets a user set
// a field we do not expose without forking the component.

/** Partial args: plain objects are merged key by key, every other value replaces ours. */
export type DeepPartial<T> = T extends pulumi.Output<unknown> | Promise<unknown> | readonly unknown[] | ((...args: never[]) => unknown)
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/**
 * Changes to one child resource: either partial args merged over the args the
 * component built, or a callback that edits the args and resource options in
 * place before the child is created.
 *
 * @example
 * { visibilityTimeoutSeconds: 120 }
 * @example
 * (args, opts) => { opts.protect = true; }
 */
export type Transform<Args, Options extends pulumi.ResourceOptions = pulumi.CustomResourceOptions> =
  | DeepPartial<Args>
  | ((args: Args, opts: Options, name: string) => void);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Merges `changes` over `base`: plain objects key by key, anything else (arrays, outputs) replaced whole. */
export function mergeArgs<T>(base: T, changes: DeepPartial<T>): T {
  if (!isPlainObject(base) || !isPlainObject(changes)) return changes as T;

  const merged: Record<string, unknown> = { ...base };
  for (const [key, change] of Object.entries(changes)) {
    merged[key] = key in merged ? mergeArgs(merged[key], change as never) : change;
  }
  return merged as T;
}

/**
 * Applies a child's transform, if any, and returns the args and options to
 * create the child with. `name` is the child's resource name, passed to
 * callbacks so one function can serve several children.
 */
export function applyTransform<Args, Options extends pulumi.ResourceOptions>(
  transform: Transform<Args, Options> | undefined,
  name: string,
  args: Args,
  opts: Options,
): { args: Args; opts: Options } {
  if (transform === undefined) return { args, opts };

  if (typeof transform === "function") {
    (transform as (args: Args, opts: Options, name: string) => void)(args, opts, name);
    return { args, opts };
  }
  return { args: mergeArgs(args, transform as DeepPartial<Args>), opts };
}
