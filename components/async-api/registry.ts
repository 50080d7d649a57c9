import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { StorageLayout, type ApiRegistration } from "../../runtime/shared/storage-layout.js";
import { createAwsChild, type BuildContext } from "./children.js";
import type { Queues } from "./queue.js";

/**
 * Creates the API's registry entry: the gateway reads it to find the queue of
 * `POST /<api>`, so an API can be routed to before its pods run.
 */
export function createRegistryEntry(context: BuildContext, queues: Queues): aws.s3.BucketObjectv2 {
  const { spec, host } = context;
  const layout = new StorageLayout(host.storagePrefix);

  const registration = pulumi
    .all([queues.queue.url, queues.deadLetterQueue.url])
    .apply(([queueUrl, deadLetterQueueUrl]): string => {
      const entry: ApiRegistration = { name: spec.name, queueUrl, deadLetterQueueUrl };
      return JSON.stringify(entry);
    });

  return createAwsChild(context, "registryEntry", aws.s3.BucketObjectv2, {
    bucket: host.bucketName,
    key: layout.registryKey(spec.name),
    content: registration,
    contentType: "application/json",
  });
}
