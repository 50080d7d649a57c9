// Names the AWS operation of an HTTP request as the SDK sends it to the embedded
// endpoint: S3 as path-style REST calls, SQS in the AWS JSON 1.0 protocol, where the
// `x-amz-target` header names the action.

/** Pattern of a key such as `<prefix>/apis/<api>/<id>/payload`, capturing the request id. */
const KEY_REQUEST_ID = /\/apis\/[^/]+\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\//;

export interface S3Target {
  operation: string;
  bucket: string;
  key: string;
}

/** Classifies a path-style S3 request, for example `PUT /bucket/key?partNumber=2&uploadId=...` as UploadPart. */
export function s3Target(method: string, url: string, headers: Record<string, string | string[] | undefined>): S3Target {
  const parsed = new URL(url, "http://s3.local");
  const [bucket = "", ...keyParts] = parsed.pathname.slice(1).split("/");
  const key = decodeURIComponent(keyParts.join("/"));
  const query = parsed.searchParams;

  if (key === "") return { operation: bucketOperation(method, query), bucket, key };

  switch (method) {
    case "PUT":
      if (query.has("uploadId")) return { operation: "UploadPart", bucket, key };
      return { operation: headers["x-amz-copy-source"] === undefined ? "PutObject" : "CopyObject", bucket, key };
    case "POST":
      if (query.has("uploads")) return { operation: "CreateMultipartUpload", bucket, key };
      return { operation: query.has("uploadId") ? "CompleteMultipartUpload" : "PostObject", bucket, key };
    case "GET":
      return { operation: query.has("uploadId") ? "ListParts" : "GetObject", bucket, key };
    case "HEAD":
      return { operation: "HeadObject", bucket, key };
    case "DELETE":
      return { operation: query.has("uploadId") ? "AbortMultipartUpload" : "DeleteObject", bucket, key };
    default:
      return { operation: `${method}Object`, bucket, key };
  }
}

function bucketOperation(method: string, query: URLSearchParams): string {
  switch (method) {
    case "PUT":
      return "CreateBucket";
    case "HEAD":
      return "HeadBucket";
    case "DELETE":
      return "DeleteBucket";
    case "POST":
      return query.has("delete") ? "DeleteObjects" : "PostBucket";
    case "GET":
      if (query.get("list-type") === "2") return "ListObjectsV2";
      return query.has("uploads") ? "ListMultipartUploads" : "ListObjects";
    default:
      return `${method}Bucket`;
  }
}

/** Returns the request id that an object key belongs to, or undefined for keys such as registry entries. */
export function requestIdOfKey(key: string): string | undefined {
  return KEY_REQUEST_ID.exec(`/${key}`)?.[1];
}

/** Returns the SQS action named by `x-amz-target: AmazonSQS.<Action>`, or "Unknown". */
export function sqsOperation(target: string | string[] | undefined): string {
  const value = Array.isArray(target) ? target[0] : target;
  return value?.startsWith("AmazonSQS.") ? value.slice("AmazonSQS.".length) : "Unknown";
}

/** Returns the queue name at the end of a queue URL. */
export function queueName(queueUrl: unknown): string | undefined {
  if (typeof queueUrl !== "string") return undefined;
  return queueUrl.slice(queueUrl.lastIndexOf("/") + 1);
}
