import { unixNow } from "./stats.js";

// The benchmark's client side: plain fetch calls to the gateway, timed in the
// benchmark's process.

export interface TimedSubmit {
  id: string;
  /** Time from sending the request to reading the response, in milliseconds. */
  latencyMs: number;
  /** When the response was read, as Unix milliseconds. */
  respondedAt: number;
}

/** POSTs a small JSON payload to `api` and returns the request id with its timing. Throws on any status but 200. */
export async function submitJson(gatewayUrl: string, api: string, payload: unknown): Promise<TimedSubmit> {
  const startedAt = unixNow();
  const response = await fetch(`${gatewayUrl}/${api}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
  });
  const body = (await response.json()) as { id?: string };
  const respondedAt = unixNow();

  if (response.status !== 200 || typeof body.id !== "string") {
    throw new Error(`POST ${gatewayUrl}/${api} returned ${response.status}: ${JSON.stringify(body)}`);
  }
  return { id: body.id, latencyMs: respondedAt - startedAt, respondedAt };
}

/** GETs a request's status once and returns it. Throws on any status but 200. */
export async function readStatus(gatewayUrl: string, api: string, id: string): Promise<string> {
  const response = await fetch(`${gatewayUrl}/${api}/${id}`);
  const body = (await response.json()) as { status?: string };
  if (response.status !== 200 || typeof body.status !== "string") {
    throw new Error(`GET ${gatewayUrl}/${api}/${id} returned ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.status;
}

/** Returns the receive time of every request the benchmark's user server has had, by request id. */
export async function readReceiveTimes(userServerPort: number): Promise<Record<string, number>> {
  const response = await fetch(`http://127.0.0.1:${userServerPort}/received`);
  return (await response.json()) as Record<string, number>;
}
