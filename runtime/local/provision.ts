import { CreateBucketCommand, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { StorageLayout, type ApiRegistration } from "../shared/storage-layout.js";

// Creates locally what the AsyncApi and Cluster components create on AWS: the
// bucket, an API's FIFO queue with its dead-letter queue, and the registry entry
// through which the gateway finds that queue.

export interface ProvisionApiOptions {
  s3: S3Client;
  sqs: SQSClient;
  bucket: string;
  layout: StorageLayout;
  api: string;
  /** Deliveries of one message before SQS moves it to the dead-letter queue. @default 3 */
  maxReceiveCount?: number;
  /** Visibility timeout of the queue in seconds; the dequeuer sets its own per receive. @default 30 */
  visibilityTimeoutSeconds?: number;
}

export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw error;
  }
}

export async function provisionApi(options: ProvisionApiOptions): Promise<ApiRegistration> {
  const { s3, sqs, bucket, layout, api } = options;

  await ensureBucket(s3, bucket);

  const deadLetter = await sqs.send(
    new CreateQueueCommand({ QueueName: `${api}-dead-letter.fifo`, Attributes: { FifoQueue: "true" } }),
  );
  const deadLetterArn = (
    await sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadLetter.QueueUrl, AttributeNames: ["QueueArn"] }))
  ).Attributes?.QueueArn;
  if (!deadLetter.QueueUrl || !deadLetterArn) throw new Error(`creating the dead-letter queue of ${api} returned no URL or ARN`);

  const queue = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${api}.fifo`,
      Attributes: {
        FifoQueue: "true",
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: options.maxReceiveCount ?? 3 }),
      },
    }),
  );
  if (!queue.QueueUrl) throw new Error(`creating the queue of ${api} returned no URL`);

  const registration: ApiRegistration = { name: api, queueUrl: queue.QueueUrl, deadLetterQueueUrl: deadLetter.QueueUrl };
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: layout.registryKey(api),
      Body: JSON.stringify(registration),
      ContentType: "application/json",
    }),
  );
  return registration;
}
