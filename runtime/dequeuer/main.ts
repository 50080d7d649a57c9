import pino from "pino";
import { createS3Client, createSqsClient } from "../shared/aws-clients.js";
import { ConfigError, parseConfig, type DequeuerConfig } from "./config.js";
import { startDequeuer, type Dequeuer } from "./dequeuer.js";

// Entry point of the dequeuer sidecar: reads the environment once, starts the
// dequeuer, drains on SIGTERM or SIGINT and exits 0 once nothing is in flight.

function readConfig(): DequeuerConfig {
  try {
    return parseConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    pino({ base: { service: "dequeuer" } }, pino.destination(2)).fatal({ variable: error.variable }, `invalid configuration: ${error.message}`);
    process.exit(1);
  }
}

const config = readConfig();
const logger = pino({ level: config.logLevel }).child({ service: "dequeuer", api: config.apiName });
const sqs = createSqsClient();
const s3 = createS3Client();

let dequeuer: Dequeuer | undefined;
let signals = 0;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    signals += 1;
    if (!dequeuer) {
      // Still starting: nothing has been received, so there is nothing to finish.
      logger.info({ signal }, "stopped before the dequeuer started");
      process.exit(0);
    }
    if (signals > 1) {
      // Requests in flight reappear on the queue after their visibility timeout.
      logger.warn({ signal }, "second signal, exiting without waiting for requests in flight");
      process.exit(1);
    }
    void dequeuer.drain(signal);
  });
}

try {
  dequeuer = await startDequeuer({ config, sqs, s3, logger });
} catch (error) {
  logger.fatal({ err: error }, "starting the dequeuer failed");
  process.exit(1);
}

try {
  await dequeuer.stopped;
} catch (error) {
  logger.fatal({ err: error }, "the dequeuer stopped on an unexpected error");
  process.exit(1);
}

sqs.destroy();
s3.destroy();
logger.info("dequeuer stopped");
process.exit(0);
