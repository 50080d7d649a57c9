import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { SQSClient, type SQSClientConfig } from "@aws-sdk/client-sqs";

// Endpoints come from the SDK's own variables (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_SQS,
// AWS_ENDPOINT_URL_S3), so the same code talks to AWS in the cluster and to the
// embedded endpoint locally. Each service creates one client of each and reuses it.

function customS3Endpoint(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL);
}

/** Creates the S3 client of a service. `config` adds settings such as timeouts, or overrides these. */
export function createS3Client(env: NodeJS.ProcessEnv = process.env, config: S3ClientConfig = {}): S3Client {
  return new S3Client({
    // S3-compatible servers on 127.0.0.1 have no per-bucket DNS names.
    forcePathStyle: customS3Endpoint(env),
    // Flexible checksums would send streamed bodies as aws-chunked, which
    // S3-compatible servers do not all accept; S3 still checks Content-MD5 where required.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    ...config,
  });
}

/** Creates the SQS client of a service. `config` adds settings such as timeouts, or overrides these. */
export function createSqsClient(env: NodeJS.ProcessEnv = process.env, config: SQSClientConfig = {}): SQSClient {
  // The SDK sends each call to the host of its QueueUrl by default. The embedded
  // endpoint returns queue URLs such as http://sqs.us-east-1.127.0.0.1:<port>/...,
  // which are not valid URLs, and the SDK would print a warning on every call.
  const customEndpoint = Boolean(env.AWS_ENDPOINT_URL_SQS || env.AWS_ENDPOINT_URL);
  return new SQSClient({ ...(customEndpoint ? { useQueueUrlAsEndpoint: false } : {}), ...config });
}
