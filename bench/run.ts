import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleRuntime } from "../scripts/runtime-bundle.js";
import { startStack, type Stack } from "../test/e2e/support/stack.js";
import { nextCallIndex, waitForMessagesDeleted } from "./call-counts.js";
import { submitJson } from "./gateway-requests.js";
import { OptionError, USAGE, parseOptions, type BenchOptions } from "./options.js";
import { runIdleRequests } from "./phases/idle-requests.js";
import { runResponseMemory } from "./phases/response-memory.js";
import { runSteadyLoad } from "./phases/steady-load.js";
import { runSubmitThroughput } from "./phases/submit-throughput.js";
import { runUploadMemory } from "./phases/upload-memory.js";
import { describeMachine, describeParameters, reportCalls, reportMemory, reportPickups, reportResponseMemory, reportSubmits } from "./report.js";
import { unixNow } from "./stats.js";

// `npm run bench` runs the end-to-end suite's stack, measures it and prints the
// figures. The stack is the embedded endpoint in its own process behind a logging
// proxy, the gateway and the dequeuers bundled as in the runtime image, and
// bench/user-server.js. The dequeuers keep their default settings, apart from the
// first one's CORTEX_MAX_CONCURRENCY. The benchmark exits 0 whether or not the
// targets are met: the figures are information, not a test.

// The AWS SDK notice that releases after January 2027 need Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const WARM_UP_REQUESTS = 5;

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

async function runBenchmark(stack: Stack, options: BenchOptions): Promise<string[]> {
  // Only the first API has a dequeuer until the last phase. The messages of the
  // submit and upload APIs stay in their queues, so only the gateway and the
  // endpoint work on them.
  const api = await stack.createApi({ name: "bench" });
  const submitApi = await stack.createApi({ name: "bench-submit" });
  const uploadApi = await stack.createApi({ name: "bench-upload" });
  const responseApi = await stack.createApi({ name: "bench-response" });

  const server = await stack.startUserServer("bench/user-server.js");
  const dequeuerStartedAt = unixNow();
  const dequeuer = await stack.startDequeuer(api, { CORTEX_USER_PORT: String(server.port), CORTEX_MAX_CONCURRENCY: String(options.maxConcurrency) });
  await dequeuer.waitForLine((line) => line.msg === "probe passed");

  progress(`warming up with ${WARM_UP_REQUESTS} requests`);
  const warmUpFrom = await nextCallIndex(stack);
  const warmUp = await Promise.all(Array.from({ length: WARM_UP_REQUESTS }, () => submitJson(stack.gatewayUrl, api.name, { text: "warm-up" })));
  await waitForMessagesDeleted(stack, warmUp.map(({ id }) => id), warmUpFrom, 30_000);

  const report: string[] = [];
  if (options.uploadMib > 0) {
    progress(`streaming a ${options.uploadMib} MiB upload`);
    report.push(...reportMemory(await runUploadMemory(stack, uploadApi.name, options.uploadMib)));
  }

  progress(`sending ${options.idleRequests} requests one at a time`);
  const idle = await runIdleRequests(stack, api.name, server.port, options.idleRequests);

  progress(`sending ${options.loadRate} requests/s for ${options.loadSeconds} s`);
  const load = await runSteadyLoad(stack, api.name, server.port, { rate: options.loadRate, seconds: options.loadSeconds, workMs: options.workMs });

  progress(`sending ${options.submits} submits at concurrency ${options.concurrency}`);
  const submits = await runSubmitThroughput(stack, submitApi.name, { submits: options.submits, concurrency: options.concurrency });

  const { calls } = await stack.awsCalls();
  const dequeuerSeconds = (unixNow() - dequeuerStartedAt) / 1000;

  // The response API's dequeuer starts after the call log was read, so its calls
  // stay out of the counts above.
  if (options.responseMib > 0) {
    progress(`handling a ${options.responseMib} MiB JSON response in a dequeuer of its own`);
    report.push(...reportResponseMemory(await runResponseMemory(stack, responseApi, server.port, options.responseMib)));
  }
  return [...reportSubmits(submits), ...reportPickups(idle, load), ...reportCalls(idle, calls, dequeuerSeconds), ...report];
}

async function main(): Promise<number> {
  let options: BenchOptions | "help";
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (options === "help") {
    console.log(USAGE);
    return 0;
  }

  console.log("cortex-async benchmark\n");
  console.log(describeMachine());
  console.log(describeParameters(options));
  console.log("");

  const dataDir = await mkdtemp(join(tmpdir(), "cortex-bench-"));
  let stack: Stack | undefined;
  const cleanUp = async () => {
    await stack?.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  // Ctrl-C stops every process the benchmark started and removes its files.
  process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));

  try {
    // The gateway and the dequeuers run from the same bundles as in the runtime image.
    progress("bundling the gateway and the dequeuer");
    const runtimeBundleDir = join(dataDir, "dist");
    await bundleRuntime(runtimeBundleDir);

    progress("starting the endpoint, the gateway, the user server and the dequeuer");
    stack = await startStack({ dataDir, runtimeBundleDir });
    const report = await runBenchmark(stack, options);
    console.log(report.join("\n"));
    return 0;
  } finally {
    await cleanUp();
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(`bench: failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
