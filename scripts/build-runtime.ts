// Bundles the runtime's entry points for the image (see runtime/Dockerfile).
// `npm start`, `cortex dev` and the tests run the TypeScript sources through
// tsx instead, so nothing else needs this step.
//
//   npm run build:runtime            # writes dist/gateway.mjs and dist/dequeuer.mjs
//   npm run build:runtime -- out/    # another directory

import { bundleRuntime, type RuntimeBundleName } from "./runtime-bundle.js";

const outdir = process.argv[2] ?? "dist";

try {
  const bundle = await bundleRuntime(outdir);
  for (const name of Object.keys(bundle.files) as RuntimeBundleName[]) {
    process.stdout.write(`${bundle.files[name]} (${(bundle.bytes[name] / 2 ** 20).toFixed(1)} MiB)\n`);
  }
} catch (error) {
  process.stderr.write(`bundling the runtime failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
