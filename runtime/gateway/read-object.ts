import { GetObjectCommand, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";

/** Reads an object as UTF-8 text. Returns undefined when the key does not exist and throws any other S3 error. */
export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await object.Body?.transformToString("utf-8")) ?? "";
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: unknown } | null)?.name === "NoSuchKey") return undefined;
    throw error;
  }
}
