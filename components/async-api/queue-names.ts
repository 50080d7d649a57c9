// Physical name prefixes of an API's queues. Both start with the cluster's
// queue name prefix, because the gateway's IAM policy is scoped to it. The AWS
// provider appends a unique id and `.fifo` to each.

export function queueNamePrefix(clusterPrefix: string, api: string): string {
  return `${clusterPrefix}${api}-`;
}

export function deadLetterQueueNamePrefix(clusterPrefix: string, api: string): string {
  return `${clusterPrefix}${api}-dlq-`;
}
