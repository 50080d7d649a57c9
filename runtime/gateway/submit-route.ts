import type { IncomingHttpHeaders } from "node:http";
import { DeleteObjectCommand } from "@aws-sdk/client-s3";
import { SendMessageCommand } from "@aws-sdk/client-sqs";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_QUEUE_MESSAGE_BYTES, encodeQueueMessage } from "../shared/queue-message.js";
import { requestIdTime } from "../shared/request-id.js";
import { isApiName } from "../shared/storage-layout.js";
import { GatewayError, sendError } from "./errors.js";
import { forwardedHeaders } from "./forwarded-headers.js";
import { resolveApi, type GatewayContext } from "./gateway-context.js";
import { MAX_HEADER_BYTES } from "./limits.js";
import { ClientAbortedError, PayloadTooLargeError, RejectedBodyError, uploadPayload } from "./payload-upload.js";

/**
 * Registers `POST /:api`: stores the raw body as the request's payload, then
 * queues the request. The body is never parsed. A submit either stores the
 * payload and queues the message, or replies with an error and leaves neither.
 */
export function registerSubmitRoute(app: FastifyInstance, context: GatewayContext): void {
  app.post<{ Params: { api: string } }>("/:api", async (request, reply) => {
    const { api } = request.params;
    const { maxPayloadBytes } = context.config;

    if (!isApiName(api)) return sendError(request, reply, new GatewayError("invalid_api_name", { api }));

    const declaredBytes = declaredLength(request.headers);
    if (declaredBytes !== undefined && declaredBytes > maxPayloadBytes) {
      return sendError(request, reply, new GatewayError("payload_too_large", { limitBytes: maxPayloadBytes, sizeBytes: declaredBytes }));
    }

    // The request id comes from genReqId, so every log line of this request carries it.
    const id = request.id;
    const contentType = request.headers["content-type"] ?? null;
    const message = encodeQueueMessage({
      id,
      api,
      contentType,
      headers: forwardedHeaders(request.headers),
      receivedAt: new Date(requestIdTime(id)).toISOString(),
    });
    if (Buffer.byteLength(message) > MAX_QUEUE_MESSAGE_BYTES) {
      return sendError(request, reply, new GatewayError("headers_too_large", { limitBytes: MAX_HEADER_BYTES }));
    }

    const registration = await resolveApi(context, api);

    const key = context.config.layout.payloadKey(api, id);
    const sizeBytes = await storePayload(context, request, key, contentType);

    try {
      await context.sqs.send(
        new SendMessageCommand({
          QueueUrl: registration.queueUrl,
          MessageBody: message,
          MessageGroupId: id,
          MessageDeduplicationId: id,
        }),
      );
    } catch (error) {
      // Without its message the payload would read as in_queue forever.
      await deletePayload(context, request, key);
      throw new GatewayError("queue_unavailable", { api }, { cause: error });
    }

    request.log.info({ sizeBytes, contentType }, "request queued");
    return { id };
  });
}

async function storePayload(
  context: GatewayContext,
  request: FastifyRequest,
  key: string,
  contentType: string | null,
): Promise<number> {
  const { s3, config } = context;

  try {
    return await uploadPayload({ s3, bucket: config.bucket, key, contentType, body: request.raw, maxBytes: config.maxPayloadBytes });
  } catch (error) {
    if (error instanceof RejectedBodyError && error.cleanupError !== undefined) {
      // NOTE: the parts already uploaded stay in S3 until the bucket's lifecycle rule aborts incomplete uploads.
      request.log.warn({ err: error.cleanupError, key }, "aborting the multipart upload of a rejected body failed");
    }
    if (error instanceof PayloadTooLargeError) throw new GatewayError("payload_too_large", { limitBytes: error.limitBytes });
    if (error instanceof ClientAbortedError) throw new GatewayError("client_aborted", {});
    throw new GatewayError("storage_unavailable", {}, { cause: error });
  }
}

async function deletePayload(context: GatewayContext, request: FastifyRequest, key: string): Promise<void> {
  try {
    await context.s3.send(new DeleteObjectCommand({ Bucket: context.config.bucket, Key: key }));
  } catch (error) {
    // NOTE: the payload stays until the bucket's expiry rule removes it, and a GET reads in_queue until then.
    request.log.error({ err: error, key }, "deleting the payload of an unqueued request failed");
  }
}

function declaredLength(headers: IncomingHttpHeaders): number | undefined {
  const text = headers["content-length"];
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}
