import type { RequestStatus } from "../shared/storage-layout.js";

/** The body of `GET <gateway>/<api>/<id>`. */
export interface StatusResponse {
  id: string;
  status: RequestStatus;
  /** The JSON the API's server responded with; present when `status` is `completed`. */
  result?: unknown;
  /** When the request completed or failed (ISO 8601). */
  timestamp?: string;
  /** Reason the request failed; present when `status` is `failed`. */
  reason?: string;
}

const STATUSES: ReadonlySet<string> = new Set<RequestStatus>(["in_queue", "in_progress", "completed", "failed"]);

export function isTerminal(status: RequestStatus): boolean {
  return status === "completed" || status === "failed";
}

/** Checks a parsed GET body and throws an error naming what is wrong, because a client must not guess a status. */
export function toStatusResponse(body: unknown, url: string): StatusResponse {
  const response = body as Partial<StatusResponse> | null;
  if (typeof response !== "object" || response === null || Array.isArray(response)) {
    throw new Error(`GET ${url} returned ${JSON.stringify(body)}, not a JSON object with id and status`);
  }
  if (typeof response.id !== "string") {
    throw new Error(`GET ${url} returned no id`);
  }
  if (typeof response.status !== "string" || !STATUSES.has(response.status)) {
    throw new Error(`GET ${url} returned an unknown status ${JSON.stringify(response.status)}`);
  }
  return response as StatusResponse;
}
