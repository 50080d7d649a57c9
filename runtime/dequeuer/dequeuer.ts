import type { S3Client } from "@aws-sdk/client-s3";
import type { SQSClient } from "@aws-sdk/client-sqs";
import type { Logger } from "pino";
import { startAdminServer } from "./admin-server.js";
import { setTimeout as delay } from "node:timers/promises";
import { Backoff } from "./backoff.js";
import type { DequeuerConfig } from "./config.js";
import { MAX_RESPONSE_BYTES } from "./container-response.js";
import { DeadLetterHandler } from "./handle-dead-letter.js";
import { RequestHandler } from "./handle-request.js";
import { InFlight } from "./in-flight.js";
import { SqsMessageQueue, readMaxReceiveCount } from "./message-queue.js";
import { DequeuerMetrics } from "./metrics.js";
import { Readiness } from "./readiness.js";
import { runReceiveLoop } from "./receive-loop.js";
import { S3RequestStore } from "./request-store.js";

/** Tries of a request whose container is unreachable, used when the queue has no redrive policy. */
export const DEFAULT_MAX_TRIES = 3;

const START_ATTEMPTS = 5;

export interface DequeuerOptions {
  config: DequeuerConfig;
  sqs: SQSClient;
  s3: S3Client;
  logger: Logger;
  /** @default MAX_RESPONSE_BYTES */
  maxResponseBytes?: number;
}

export interface Dequeuer {
  readonly adminPort: number;
  readonly metrics: DequeuerMetrics;
  /** Stops taking messages and resolves once no request is in flight. Later calls return the same promise. */
  drain(reason: string): Promise<void>;
  /** Resolves once draining has finished, both receive loops have ended and the admin server is closed. */
  readonly stopped: Promise<void>;
}

async function readRedrivePolicy(sqs: SQSClient, queueUrl: string, logger: Logger): Promise<number | undefined> {
  const backoff = new Backoff(1000, 10_000);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await readMaxReceiveCount(sqs, queueUrl);
    } catch (error) {
      if (attempt >= START_ATTEMPTS) throw new Error(`reading the attributes of ${queueUrl} failed ${attempt} times`, { cause: error });
      const delayMs = Math.round(backoff.nextDelayMs());
      logger.warn({ err: error, queueUrl, retryInMs: delayMs }, "reading the queue's redrive policy failed");
      await delay(delayMs);
    }
  }
}

/** Starts the readiness probes, the admin server and the receive loops of one API's dequeuer. */
export async function startDequeuer(options: DequeuerOptions): Promise<Dequeuer> {
  const { config, sqs, s3, logger } = options;

  const maxReceiveCount = await readRedrivePolicy(sqs, config.queueUrl, logger);
  if (maxReceiveCount === undefined) {
    logger.warn({ queueUrl: config.queueUrl }, "the queue has no redrive policy, so a message that kills the dequeuer every time is delivered forever");
  }

  const metrics = new DequeuerMetrics(config.apiName);
  const readiness = new Readiness(config.probes, logger);
  const store = new S3RequestStore(s3, config.bucket, config.layout, config.apiName);
  const queue = new SqsMessageQueue(sqs, config.queueUrl);
  const inFlight = new InFlight();
  const stop = new AbortController();

  const requests = new RequestHandler({
    api: config.apiName,
    queue,
    store,
    userPort: config.userPort,
    visibilitySeconds: config.visibilitySeconds,
    maxProcessingSeconds: config.maxProcessingSeconds,
    maxTries: maxReceiveCount ?? DEFAULT_MAX_TRIES,
    maxResponseBytes: options.maxResponseBytes ?? MAX_RESPONSE_BYTES,
    metrics,
    logger,
  });

  let drained: Promise<void> | undefined;
  const drain = (reason: string): Promise<void> => {
    if (!drained) {
      logger.info({ reason, inFlight: inFlight.size }, "draining: no new requests, finishing those in flight");
      stop.abort();
      drained = inFlight.waitUntilIdle().then(() => logger.info("drained: no request in flight"));
    }
    return drained;
  };

  const admin = await startAdminServer({
    host: config.adminHost,
    port: config.adminPort,
    readiness,
    metrics,
    isDraining: () => stop.signal.aborted,
    drain,
    logger,
  });

  readiness.start();
  const loops = [
    runReceiveLoop({
      queue,
      slots: config.maxConcurrency,
      inFlight,
      pollWaitSeconds: config.pollWaitSeconds,
      visibilitySeconds: config.visibilitySeconds,
      handle: (message) => requests.handle(message),
      waitUntilReady: (signal) => readiness.waitUntilReady(signal),
      isReady: () => readiness.isReady(),
      stopSignal: stop.signal,
      logger,
    }),
  ];

  if (config.deadLetterQueueUrl) {
    const deadLetterQueue = new SqsMessageQueue(sqs, config.deadLetterQueueUrl);
    const deadLetters = new DeadLetterHandler({ api: config.apiName, deadLetterQueue, store, maxReceiveCount, metrics, logger });
    loops.push(
      runReceiveLoop({
        queue: deadLetterQueue,
        // One at a time: dead letters are rare, and ending one takes a few storage calls.
        slots: 1,
        inFlight: new InFlight(),
        pollWaitSeconds: config.pollWaitSeconds,
        visibilitySeconds: config.visibilitySeconds,
        handle: (message) => deadLetters.handle(message),
        // Ending a dead letter does not need the user's container.
        waitUntilReady: async () => {},
        isReady: () => true,
        stopSignal: stop.signal,
        logger,
      }),
    );
  }

  logger.info(
    { queueUrl: config.queueUrl, deadLetterQueueUrl: config.deadLetterQueueUrl, maxConcurrency: config.maxConcurrency, maxReceiveCount },
    "dequeuer started",
  );

  const stopped = Promise.all(loops).then(async () => {
    readiness.stop();
    await drain("receive loops ended");
    await admin.close();
  });

  return { adminPort: admin.port, metrics, drain, stopped };
}
