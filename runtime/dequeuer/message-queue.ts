import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";

export interface ReceivedMessage {
  messageId: string;
  receiptHandle: string;
  body: string | undefined;
  /** How many times SQS has delivered this message, this delivery included. */
  receiveCount: number;
}

/** The calls the dequeuer makes on one SQS queue. */
export interface MessageQueue {
  readonly url: string;
  receive(maxMessages: number, waitSeconds: number, visibilitySeconds: number): Promise<ReceivedMessage[]>;
  /** Hides the message for `seconds` counted from now, and 0 makes it visible again at once. */
  changeVisibility(receiptHandle: string, seconds: number): Promise<void>;
  delete(receiptHandle: string): Promise<void>;
}

export class SqsMessageQueue implements MessageQueue {
  constructor(
    private readonly sqs: SQSClient,
    readonly url: string,
  ) {}

  async receive(maxMessages: number, waitSeconds: number, visibilitySeconds: number): Promise<ReceivedMessage[]> {
    const response = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.url,
        MaxNumberOfMessages: maxMessages,
        WaitTimeSeconds: waitSeconds,
        VisibilityTimeout: visibilitySeconds,
        MessageSystemAttributeNames: ["ApproximateReceiveCount"],
      }),
    );

    return (response.Messages ?? []).map((message) => ({
      messageId: message.MessageId ?? "",
      receiptHandle: message.ReceiptHandle ?? "",
      body: message.Body,
      receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async changeVisibility(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.url, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }

  async delete(receiptHandle: string): Promise<void> {
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.url, ReceiptHandle: receiptHandle }));
  }
}

/**
 * Reads `maxReceiveCount` from the queue's redrive policy: the deliveries after
 * which SQS moves a message to the dead-letter queue. Returns undefined when
 * the queue has no redrive policy.
 */
export async function readMaxReceiveCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  const response = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["RedrivePolicy"] }));
  const policy = response.Attributes?.RedrivePolicy;
  if (!policy) return undefined;

  let parsed: { maxReceiveCount?: unknown };
  try {
    parsed = JSON.parse(policy) as { maxReceiveCount?: unknown };
  } catch {
    throw new Error(`the RedrivePolicy of ${queueUrl} is not valid JSON: ${policy}`);
  }
  const count = Number(parsed.maxReceiveCount);
  if (!Number.isInteger(count) || count < 1) {
    throw new Error(`the RedrivePolicy of ${queueUrl} has an invalid maxReceiveCount: ${JSON.stringify(parsed.maxReceiveCount)}`);
  }
  return count;
}
