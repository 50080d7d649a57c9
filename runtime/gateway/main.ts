import { pino } from "pino";
import { createS3Client, createSqsClient } from "../shared/aws-clients.js";
import { buildGateway } from "./app.js";
import { ConfigError, parseGatewayConfig, type GatewayConfig } from "./config.js";

// Entry of the gateway service: parse the environment once, create one S3 and one
// SQS client, listen, and on SIGTERM or SIGINT stop accepting connections, let
// in-flight requests finish and exit 0. A second signal ends the process at once.

/**
 * Timeouts of every S3 and SQS call, in milliseconds. Without them the SDK waits
 * forever on a hung connection, and so would the request behind it. The socket
 * timeout counts inactivity, so a long part upload is not cut while bytes flow.
 */
const AWS_TIMEOUTS = { connectionTimeout: 5_000, socketTimeout: 60_000 };

const logger = pino({ base: { service: "gateway" } });

let config: GatewayConfig;
try {
  config = parseGatewayConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  logger.fatal({ err: error }, `invalid configuration: ${error.message}`);
  process.exit(1);
}
logger.level = config.logLevel;

const s3 = createS3Client(process.env, { requestHandler: AWS_TIMEOUTS });
const sqs = createSqsClient(process.env, { requestHandler: AWS_TIMEOUTS });

try {
  await s3.config.region();
} catch (error) {
  logger.fatal({ err: error }, "AWS_REGION is missing: set it to the region of the bucket and queues");
  process.exit(1);
}

const app = buildGateway({ config, s3, sqs, logger });

try {
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  logger.fatal({ err: error, host: config.host, port: config.port }, "listening failed: check CORTEX_GATEWAY_HOST and CORTEX_GATEWAY_PORT");
  process.exit(1);
}
logger.info({ bucket: config.bucket, prefix: config.layout.prefix, maxPayloadBytes: config.maxPayloadBytes }, "gateway started");

const STOP_SIGNALS = ["SIGTERM", "SIGINT"] as const;
const onSignal = (signal: NodeJS.Signals) => void stop(signal);
for (const signal of STOP_SIGNALS) process.on(signal, onSignal);

async function stop(signal: NodeJS.Signals): Promise<void> {
  // Without these listeners a second signal of either kind ends the process at once.
  for (const other of STOP_SIGNALS) process.off(other, onSignal);
  logger.info({ signal }, "stopping: finishing in-flight requests");

  let exitCode = 0;
  try {
    await app.close();
  } catch (error) {
    logger.error({ err: error }, "closing the server failed");
    exitCode = 1;
  }

  s3.destroy();
  sqs.destroy();
  logger.info({ exitCode }, "gateway stopped");
  process.exit(exitCode);
}
