import { Writable } from "node:stream";
import { SQSClient } from "@aws-sdk/client-sqs";
import pino from "pino";
import { parseConfig } from "../../../../runtime/dequeuer/config.js";
import { startDequeuer, type Dequeuer } from "../../../../runtime/dequeuer/dequeuer.js";
import { LOCAL_CREDENTIALS, LOCAL_REGION } from "../../../../runtime/local/embedded-endpoint.js";
import { createS3Client } from "../../../../runtime/shared/aws-clients.js";
import type { ApiRegistration } from "../../../../runtime/shared/storage-layout.js";
import { dequeuerTestEnv, type Harness } from "./harness.js";

export interface InProcessDequeuer extends Dequeuer {
  /** Every log line so far, parsed. */
  logs: Array<Record<string, unknown>>;
  /** Counts of AWS commands this dequeuer sent, by command name. */
  awsCalls: Map<string, number>;
  stop(): Promise<void>;
}

export interface InProcessOptions {
  /** Environment on top of `dequeuerTestEnv`, which sets no dead-letter queue. */
  env?: Record<string, string>;
  maxResponseBytes?: number;
  /** S3 endpoint of the dequeuer, such as a proxy in front of the harness's. @default the harness's endpoint */
  s3Endpoint?: string;
}

function commandCounter(calls: Map<string, number>): (commandName: string | undefined) => void {
  return (commandName) => {
    const name = commandName ?? "unknown";
    calls.set(name, (calls.get(name) ?? 0) + 1);
  };
}

/**
 * Runs a dequeuer for `api` inside the test process, with its own AWS clients
 * so that its calls can be counted, and its logs captured as parsed lines.
 */
export async function startInProcessDequeuer(harness: Harness, api: ApiRegistration, options: InProcessOptions = {}): Promise<InProcessDequeuer> {
  const config = parseConfig({ ...dequeuerTestEnv(api), ...options.env });

  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  const logger = pino({ level: "debug" }, sink).child({ api: api.name });

  const awsCalls = new Map<string, number>();
  // The factory of main.ts, so that uploads are sent as in production: a streamed result
  // would otherwise go out in aws-chunked encoding, which the embedded endpoint stores verbatim.
  const s3Endpoint = options.s3Endpoint ?? harness.endpoint.s3Endpoint;
  const s3 = createS3Client({ AWS_ENDPOINT_URL_S3: s3Endpoint }, { region: LOCAL_REGION, endpoint: s3Endpoint, credentials: LOCAL_CREDENTIALS });
  const sqs = new SQSClient({ region: LOCAL_REGION, endpoint: harness.endpoint.sqsEndpoint, credentials: LOCAL_CREDENTIALS, useQueueUrlAsEndpoint: false });
  const count = commandCounter(awsCalls);
  const counting = { step: "initialize", name: "countCommands" } as const;
  s3.middlewareStack.add((next, context) => (args) => (count(context.commandName), next(args)), counting);
  sqs.middlewareStack.add((next, context) => (args) => (count(context.commandName), next(args)), counting);

  const dequeuer = await startDequeuer({
    config,
    s3,
    sqs,
    logger,
    ...(options.maxResponseBytes ? { maxResponseBytes: options.maxResponseBytes } : {}),
  });

  return {
    ...dequeuer,
    logs,
    awsCalls,
    stop: async () => {
      await dequeuer.drain("test finished");
      await dequeuer.stopped;
      s3.destroy();
      sqs.destroy();
    },
  };
}
