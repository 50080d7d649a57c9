import { validateHeaderValue, type OutgoingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";
import type { QueueMessage } from "../shared/queue-message.js";
import { postToContainer } from "./container-client.js";
import type { ContainerOutcome } from "./container-response.js";
import { decodeOrDiscard } from "./decode-or-discard.js";
import { forwardedHeaders } from "./forwarded-headers.js";
import type { MessageQueue, ReceivedMessage } from "./message-queue.js";
import type { DequeuerMetrics } from "./metrics.js";
import type { RequestStore, StoredPayload } from "./request-store.js";
import { completedRecord, failedRecord } from "./result-record.js";
import { VisibilityExtender } from "./visibility.js";

/** Maximum pause before a request whose container was unreachable is tried again. */
const MAX_RETRY_DELAY_SECONDS = 60;

export interface RequestHandlerOptions {
  api: string;
  queue: MessageQueue;
  store: RequestStore;
  userPort: number;
  visibilitySeconds: number;
  maxProcessingSeconds: number;
  /** Deliveries after which an unreachable container fails the request: the queue's maxReceiveCount. */
  maxTries: number;
  maxResponseBytes: number;
  metrics: DequeuerMetrics;
  logger: Logger;
}

/** Pause before the next try when the container was unreachable: 2 s, 4 s, 8 s and so on. */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, 2 ** Math.max(1, receiveCount));
}

/** Returns why a request failed, or undefined when it completed. */
function failureReason(outcome: ContainerOutcome, receiveCount: number): string | undefined {
  if (outcome.kind === "completed") return undefined;
  if (outcome.kind === "unreachable") return `container unreachable after ${receiveCount} tries: ${outcome.reason}`;
  return outcome.reason;
}

/**
 * Handles one message of the API's queue: marks the request in progress,
 * streams its payload to the user's container, stores the result, then deletes
 * the payload and the message. Until the message is deleted SQS can deliver it
 * again, so each step is safe to repeat.
 */
export class RequestHandler {
  constructor(private readonly options: RequestHandlerOptions) {}

  async handle(message: ReceivedMessage): Promise<void> {
    const { queue, logger } = this.options;

    const request = await decodeOrDiscard(message, this.options.api, queue, logger);
    if (!request) return;

    const log = logger.child({ requestId: request.id, receiveCount: message.receiveCount });
    const extender = new VisibilityExtender(queue, message.receiptHandle, this.options.visibilitySeconds, log);
    extender.start();
    this.options.metrics.requestStarted();
    try {
      await this.process(request, message, extender, log);
    } catch (error) {
      log.error({ err: error }, "handling the request failed, SQS delivers it again after the visibility timeout");
    } finally {
      await extender.stop();
      this.options.metrics.requestSettled();
    }
  }

  private async process(request: QueueMessage, message: ReceivedMessage, extender: VisibilityExtender, log: Logger): Promise<void> {
    const { store, queue } = this.options;
    const startedAt = performance.now();

    // A redelivery may follow a run that stored its result but died before deleting the message.
    const finishedBefore = message.receiveCount > 1 ? await store.resultExists(request.id) : undefined;
    if (finishedBefore) {
      await store.deletePayload(request.id);
      await queue.delete(message.receiptHandle);
      log.info("request already has a result, deleted the message");
      return;
    }

    await store.putInProgress(request.id);
    const payload = await store.getPayload(request.id);
    if (!payload) {
      await this.dropWithoutPayload(request, message, finishedBefore ?? (await store.resultExists(request.id)), log);
      return;
    }

    log.debug({ contentLength: payload.contentLength }, "sending the request to the container");
    const outcome = await postToContainer({
      port: this.options.userPort,
      payload: payload.body,
      headers: this.containerHeaders(request, payload, log),
      timeoutSeconds: this.options.maxProcessingSeconds,
      maxResponseBytes: this.options.maxResponseBytes,
    });

    if (outcome.kind === "unreachable" && message.receiveCount < this.options.maxTries) {
      await extender.stop();
      const delaySeconds = retryDelaySeconds(message.receiveCount);
      await queue.changeVisibility(message.receiptHandle, delaySeconds);
      this.options.metrics.containerUnreachable();
      log.warn({ reason: outcome.reason, retryInSeconds: delaySeconds, maxTries: this.options.maxTries }, "container unreachable, will try again");
      return;
    }

    await this.finish(request, message, outcome, startedAt, log);
  }

  /** Stores the terminal record, then removes the payload and the message, in that order. */
  private async finish(request: QueueMessage, message: ReceivedMessage, outcome: ContainerOutcome, startedAt: number, log: Logger): Promise<void> {
    const { store, queue } = this.options;
    const now = new Date();

    const failure = failureReason(outcome, message.receiveCount);
    const record = outcome.kind === "completed" ? completedRecord(request.id, outcome.result, now) : failedRecord(request.id, failure ?? "", now);
    await store.putResult(request.id, record, log);
    await store.deletePayload(request.id);
    await queue.delete(message.receiptHandle);

    const statusCode = outcome.kind === "unreachable" ? undefined : outcome.statusCode;
    const durationSeconds = (performance.now() - startedAt) / 1000;
    const durationMs = Math.round(durationSeconds * 1000);
    if (failure === undefined) {
      this.options.metrics.requestEnded("completed", statusCode, durationSeconds);
      log.info({ statusCode, durationMs }, "request completed");
    } else {
      this.options.metrics.requestEnded("failed", statusCode, durationSeconds);
      log.warn({ statusCode, reason: failure, durationMs }, "request failed");
    }
  }

  /**
   * Deletes a message whose payload is missing. Either its request already
   * finished, or the gateway rolled the submit back after SendMessage failed on
   * its side but reached SQS. The rolled-back work must not run.
   */
  private async dropWithoutPayload(request: QueueMessage, message: ReceivedMessage, finished: boolean, log: Logger): Promise<void> {
    if (!finished) await this.options.store.deleteInProgress(request.id);
    await this.options.queue.delete(message.receiptHandle);

    if (finished) log.info("request already has a result, deleted the message");
    else log.warn("payload not found and no result: the submit was rolled back, deleted the message without running it");
  }

  private containerHeaders(request: QueueMessage, payload: StoredPayload, log: Logger): OutgoingHttpHeaders {
    const { headers, invalid } = forwardedHeaders(request.headers);
    if (invalid.length > 0) log.warn({ headers: invalid }, "not forwarding headers with invalid names or values");

    const outgoing: OutgoingHttpHeaders = { ...headers, "x-cortex-request-id": request.id };
    if (request.contentType !== null) {
      try {
        validateHeaderValue("content-type", request.contentType);
        outgoing["content-type"] = request.contentType;
      } catch {
        log.warn({ contentType: request.contentType }, "not forwarding an invalid content type");
      }
    }
    if (payload.contentLength !== undefined) outgoing["content-length"] = String(payload.contentLength);
    return outgoing;
  }
}
