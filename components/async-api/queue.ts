import * as aws from "@pulumi/aws";
import { createAwsChild, type BuildContext } from "./children.js";
import { deadLetterQueueNamePrefix, queueNamePrefix } from "./queue-names.js";

// The API's FIFO queue and its FIFO dead-letter queue.
//
// Physical names come from `namePrefix`. With `fifoQueue: true` the AWS
// provider (the Terraform provider behind @pulumi/aws) generates
// `<prefix><26-character unique id>.fifo` once and keeps it in state, so
// previews stay stable. A destroy followed at once by an up gets fresh names,
// which matters because SQS rejects a deleted queue's name for 60 seconds.

/** SQS's maximum retention, so that a dead-lettered request can still be inspected. */
const DEAD_LETTER_RETENTION_SECONDS = 1_209_600;

export interface Queues {
  queue: aws.sqs.Queue;
  deadLetterQueue: aws.sqs.Queue;
}

/** Returns the settings both queues share: FIFO and encrypted, with high-throughput FIFO because every request is its own message group. */
function fifoQueueArgs(namePrefix: string): aws.sqs.QueueArgs {
  return {
    namePrefix,
    fifoQueue: true,
    sqsManagedSseEnabled: true,
    deduplicationScope: "messageGroup",
    fifoThroughputLimit: "perMessageGroupId",
  };
}

export function createQueues(context: BuildContext): Queues {
  const { spec, host } = context;

  const deadLetterQueue = createAwsChild(context, "deadLetterQueue", aws.sqs.Queue, {
    ...fifoQueueArgs(deadLetterQueueNamePrefix(host.queueNamePrefix, spec.name)),
    messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
  });

  const queue = createAwsChild(context, "queue", aws.sqs.Queue, {
    ...fifoQueueArgs(queueNamePrefix(host.queueNamePrefix, spec.name)),
    // The dequeuer extends a message's visibility by this window while it works on it.
    visibilityTimeoutSeconds: spec.queue.visibilityTimeoutSeconds,
    messageRetentionSeconds: spec.queue.messageRetentionSeconds,
    redrivePolicy: deadLetterQueue.arn.apply((deadLetterTargetArn) =>
      JSON.stringify({ deadLetterTargetArn, maxReceiveCount: spec.queue.maxReceiveCount }),
    ),
  });

  return { queue, deadLetterQueue };
}
