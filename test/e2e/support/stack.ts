import { join } from "node:path";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../runtime/local/embedded-endpoint.js";
import { ensureBucket, provisionApi } from "../../../runtime/local/provision.js";
import { StorageLayout, type ApiRegistration } from "../../../runtime/shared/storage-layout.js";
import type { AwsCall } from "./call-log-proxy.js";
import { startService, type ServiceProcess } from "./processes.js";

// The whole request path as a cluster runs it, every part in its own process on
// 127.0.0.1: the embedded endpoint (with a logging proxy per client), the gateway,
// and per API a user server and a dequeuer. The end-to-end suite and the benchmark
// both run on it.

export const BUCKET = "cortex-e2e";
const STORAGE_PREFIX = "cortex";

/** Labels of the proxies, so each AWS call is recorded with the kind of process that sent it. */
export type Client = "gateway" | "dequeuer";

interface EndpointReady {
  sqsEndpoint: string;
  s3Endpoint: string;
  controlUrl: string;
  proxies: Record<Client, { sqs: string; s3: string }>;
}

export interface UserServer extends ServiceProcess {
  port: number;
}

export interface StackOptions {
  /** Directory for S3 objects; the caller removes it. */
  dataDir: string;
  /** Gateway variables on top of the stack's own. */
  gatewayEnv?: Record<string, string>;
  /**
   * Directory holding `gateway.mjs` and `dequeuer.mjs` from scripts/runtime-bundle.ts,
   * to run the services as the runtime image does. Unset, their TypeScript sources run.
   */
  runtimeBundleDir?: string;
}

export interface Stack {
  /** Base URL of the gateway, such as http://127.0.0.1:41234. */
  readonly gatewayUrl: string;
  readonly gateway: ServiceProcess;
  readonly endpointProcess: ServiceProcess;
  /** Clients that reach the endpoint directly, for setting up APIs; their calls are not recorded. */
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly layout: StorageLayout;
  /** Creates an API's queues and registry entry; the name is unique within the stack unless given. */
  createApi(options?: { name?: string; maxReceiveCount?: number }): Promise<ApiRegistration>;
  /** Starts a user server (a .js file under the repository root) and waits until it prints `{"listening": <port>}`. */
  startUserServer(entry: string, env?: Record<string, string>): Promise<UserServer>;
  /** Starts a dequeuer for `api` and waits until it has started; `env` adds to or overrides the defaults. */
  startDequeuer(api: ApiRegistration, env: Record<string, string>): Promise<ServiceProcess>;
  /** AWS calls recorded from index `from` on, and the index to continue from. */
  awsCalls(from?: number): Promise<{ calls: AwsCall[]; next: number }>;
  /** Stops every process the stack started, the last started first. */
  close(): Promise<void>;
}

/** Environment that points a process's AWS SDK clients at the proxy of `client`. */
function awsEnv(ready: EndpointReady, client: Client): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_SQS: ready.proxies[client].sqs,
    AWS_ENDPOINT_URL_S3: ready.proxies[client].s3,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Returns how to start the gateway or the dequeuer: from the bundle when there is one, else from its TypeScript source. */
function serviceEntry(options: StackOptions, service: "gateway" | "dequeuer"): { entry: string; nodeOptions: string[] } {
  if (options.runtimeBundleDir === undefined) return { entry: `runtime/${service}/main.ts`, nodeOptions: [] };
  return { entry: join(options.runtimeBundleDir, `${service}.mjs`), nodeOptions: ["--enable-source-maps"] };
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const started: ServiceProcess[] = [];
  const stopAll = async () => {
    for (const service of started.reverse()) await service.stop("SIGKILL");
  };

  try {
    const endpointProcess = startService({
      name: "endpoint",
      entry: "test/e2e/support/endpoint-process.ts",
      env: { DATA_DIR: join(options.dataDir, "s3"), CALL_LOG_CLIENTS: "gateway,dequeuer" },
    });
    started.push(endpointProcess);
    const ready = (await endpointProcess.waitForLine((line) => line.endpointReady === true)) as unknown as EndpointReady;

    const s3 = new S3Client({ region: LOCAL_REGION, endpoint: ready.s3Endpoint, credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
    const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: ready.sqsEndpoint, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
    const layout = new StorageLayout(STORAGE_PREFIX);
    await ensureBucket(s3, BUCKET);

    const gateway = startService({
      name: "gateway",
      ...serviceEntry(options, "gateway"),
      env: {
        ...awsEnv(ready, "gateway"),
        CORTEX_BUCKET: BUCKET,
        CORTEX_STORAGE_PREFIX: STORAGE_PREFIX,
        CORTEX_GATEWAY_HOST: "127.0.0.1",
        CORTEX_GATEWAY_PORT: "0",
        ...options.gatewayEnv,
      },
    });
    started.push(gateway);
    const listening = await gateway.waitForLine((line) => String(line.msg).startsWith("Server listening at "));
    const gatewayUrl = String(listening.msg).slice("Server listening at ".length);

    let apiCount = 0;
    return {
      gatewayUrl,
      gateway,
      endpointProcess,
      s3,
      sqs,
      layout,
      createApi: async (apiOptions = {}) => {
        apiCount += 1;
        return provisionApi({
          s3,
          sqs,
          bucket: BUCKET,
          layout,
          api: apiOptions.name ?? `api-${apiCount}`,
          ...(apiOptions.maxReceiveCount === undefined ? {} : { maxReceiveCount: apiOptions.maxReceiveCount }),
        });
      },
      startUserServer: async (entry, env = {}) => {
        const server = startService({ name: entry, entry, env: { CORTEX_PORT: "0", ...env } });
        started.push(server);
        const { listening: port } = await server.waitForLine((line) => typeof line.listening === "number");
        return Object.assign(server, { port: port as number });
      },
      startDequeuer: async (api, env) => {
        const dequeuer = startService({
          name: `dequeuer of ${api.name}`,
          ...serviceEntry(options, "dequeuer"),
          env: {
            ...awsEnv(ready, "dequeuer"),
            CORTEX_API_NAME: api.name,
            CORTEX_QUEUE_URL: api.queueUrl,
            ...(api.deadLetterQueueUrl === undefined ? {} : { CORTEX_DEAD_LETTER_QUEUE_URL: api.deadLetterQueueUrl }),
            CORTEX_BUCKET: BUCKET,
            CORTEX_STORAGE_PREFIX: STORAGE_PREFIX,
            CORTEX_ADMIN_HOST: "127.0.0.1",
            CORTEX_ADMIN_PORT: "0",
            ...env,
          },
        });
        started.push(dequeuer);
        await dequeuer.waitForLine((line) => line.msg === "dequeuer started");
        return dequeuer;
      },
      awsCalls: async (from = 0) => {
        const response = await fetch(`${ready.controlUrl}/calls?from=${from}`);
        return (await response.json()) as { calls: AwsCall[]; next: number };
      },
      close: async () => {
        s3.destroy();
        sqs.destroy();
        await stopAll();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
