import { build, type Metafile } from "esbuild";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// Bundles the gateway and the dequeuer for the runtime image: each entry point
// with everything it imports in one ESM file, so the image needs no
// node_modules and Node runs plain JavaScript with no TypeScript loader.

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Entry points by bundle name: `<name>.mjs` runs `runtime/<name>/main.ts`. */
export const RUNTIME_ENTRY_POINTS = {
  gateway: "runtime/gateway/main.ts",
  dequeuer: "runtime/dequeuer/main.ts",
} as const;

export type RuntimeBundleName = keyof typeof RUNTIME_ENTRY_POINTS;

/**
 * Gives the ESM bundle a `require`: esbuild's shim for the `require` calls of
 * bundled CommonJS packages (pino, fastify) uses it for Node's built-in modules.
 */
const REQUIRE_BANNER = 'import { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);';

export interface RuntimeBundle {
  /** Absolute path of `<name>.mjs` for each entry point, with its source map `<name>.mjs.map` beside it. */
  files: Record<RuntimeBundleName, string>;
  /** Size of each bundle in bytes, source map excluded. */
  bytes: Record<RuntimeBundleName, number>;
  /** Every package the bundles contain, such as `fastify` or `@aws-sdk/client-s3`. */
  packages: string[];
  /** Modules the bundles load at run time, such as `node:http`. In self-contained bundles these are all Node's built-in modules. */
  externalImports: string[];
}

/** Pattern of a bundled file's path inside node_modules, capturing its package name. */
const PACKAGE_PATH = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//;

function bundledPackages(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const name = PACKAGE_PATH.exec(input)?.[1];
    if (name !== undefined) names.add(name);
  }
  return [...names].sort();
}

function externalImports(metafile: Metafile): string[] {
  const paths = Object.values(metafile.outputs).flatMap((output) => output.imports.filter((entry) => entry.external).map((entry) => entry.path));
  return [...new Set(paths)].sort();
}

/** Writes `gateway.mjs` and `dequeuer.mjs`, with their source maps, to `outdir` (relative to the repository root unless absolute). */
export async function bundleRuntime(outdir: string): Promise<RuntimeBundle> {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: RUNTIME_ENTRY_POINTS,
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    target: "node22",
    format: "esm",
    banner: { js: REQUIRE_BANNER },
    // The maps give `node --enable-source-maps` the TypeScript file names and
    // lines for stack traces. They leave the sources' text out of the image.
    sourcemap: true,
    sourcesContent: false,
    metafile: true,
    logLevel: "warning",
  });

  const directory = resolve(ROOT, outdir);
  const files = {} as Record<RuntimeBundleName, string>;
  const bytes = {} as Record<RuntimeBundleName, number>;
  for (const name of Object.keys(RUNTIME_ENTRY_POINTS) as RuntimeBundleName[]) {
    files[name] = join(directory, `${name}.mjs`);
    // The metafile names outputs relative to absWorkingDir.
    const output = result.metafile.outputs[relative(ROOT, files[name])];
    if (output === undefined) throw new Error(`esbuild wrote no ${name}.mjs to ${directory}`);
    bytes[name] = output.bytes;
  }

  return { files, bytes, packages: bundledPackages(result.metafile), externalImports: externalImports(result.metafile) };
}
