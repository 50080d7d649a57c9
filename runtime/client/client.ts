import { setTimeout as sleep } from "node:timers/promises";
import { join } from "node:path";
import { isApiName } from "../shared/storage-layout.js";
import { CONFIG_FILE_NAME, configDirFromEnv, normalizeEndpoint, readClientConfig, warnOnVersionMismatch } from "./config.js";
import { CortexApiError, GatewayUnreachableError, WaitTimeoutError, parseGatewayError } from "./errors.js";
import { encodePayload, type Payload } from "./payload.js";
import { isTerminal, toStatusResponse, type StatusResponse } from "./status-response.js";

export interface CortexClientOptions {
  /** Base URL of the gateway, for example `http://127.0.0.1:8888`. */
  endpoint: string;
}

export interface SubmitOptions {
  /** Content type sent to the API's server. @default from the payload: see `Payload` */
  contentType?: string;
  /** Extra headers forwarded to the API's server with the payload. */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface WaitOptions {
  /** Time to wait for a terminal status, in milliseconds. @default Infinity */
  timeoutMs?: number;
  /** Time between two status requests, in milliseconds. @default 500 */
  intervalMs?: number;
  /** Called after every status request with the response and the time waited so far in milliseconds. */
  onStatus?: (response: StatusResponse, elapsedMs: number) => void;
  signal?: AbortSignal;
}

/** Submits requests to Async APIs through a gateway and reads their results. */
export class CortexClient {
  /** Gateway base URL without trailing slash. */
  readonly endpoint: string;

  constructor(options: CortexClientOptions) {
    this.endpoint = normalizeEndpoint(options.endpoint);
  }

  /**
   * Creates a client for the gateway named in `<configDir>/cli.yaml`, the file every
   * API container has. Emits a warning once when its version differs from this client's.
   */
  static async fromConfig(configDir: string = configDirFromEnv()): Promise<CortexClient> {
    const config = await readClientConfig(configDir);
    warnOnVersionMismatch(config, join(configDir, CONFIG_FILE_NAME));
    return new CortexClient({ endpoint: config.endpoint });
  }

  /** Sends a payload to the API's queue and returns the request id at once. */
  async submit(api: string, payload: Payload, options: SubmitOptions = {}): Promise<{ id: string }> {
    const url = this.apiUrl(api);
    const encoded = encodePayload(payload);
    const headers = { ...options.headers, "content-type": options.contentType ?? encoded.contentType };

    const response = await this.send("POST", url, {
      method: "POST",
      headers,
      body: encoded.body,
      ...(encoded.streamed ? { duplex: "half" as const } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });

    const body = (await readJson(response, "POST", url)) as { id?: unknown };
    if (typeof body?.id !== "string" || body.id === "") {
      throw new Error(`POST ${url} returned no request id: ${JSON.stringify(body)}`);
    }
    return { id: body.id };
  }

  /** Returns the request's current status, with its result once it has completed. */
  async get(api: string, id: string, options: { signal?: AbortSignal } = {}): Promise<StatusResponse> {
    if (id === "") throw new TypeError("request id is empty");

    const url = `${this.apiUrl(api)}/${encodeURIComponent(id)}`;
    const response = await this.send("GET", url, { method: "GET", ...(options.signal ? { signal: options.signal } : {}) });
    return toStatusResponse(await readJson(response, "GET", url), url);
  }

  /**
   * Polls the request's status until it is `completed` or `failed` and returns that
   * response, so a failed request resolves too. Throws WaitTimeoutError after `timeoutMs`.
   */
  async wait(api: string, id: string, options: WaitOptions = {}): Promise<StatusResponse> {
    const timeoutMs = options.timeoutMs ?? Infinity;
    const intervalMs = options.intervalMs ?? 500;
    if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);

    const started = performance.now();
    for (;;) {
      const response = await this.get(api, id, options.signal ? { signal: options.signal } : {});
      const elapsedMs = performance.now() - started;
      options.onStatus?.(response, elapsedMs);

      if (isTerminal(response.status)) return response;
      if (elapsedMs >= timeoutMs) throw new WaitTimeoutError(timeoutMs, response);

      // The last poll lands at the deadline, so a result that arrives just in time is seen.
      const pause = Math.min(intervalMs, timeoutMs - elapsedMs);
      await sleep(pause, undefined, options.signal ? { signal: options.signal } : {});
    }
  }

  private apiUrl(api: string): string {
    if (!isApiName(api)) {
      throw new TypeError(`invalid API name ${JSON.stringify(api)}: use lowercase letters, digits and '-', starting with a letter`);
    }
    return `${this.endpoint}/${api}`;
  }

  /** Sends one request and returns the response when its status is 200. Throws CortexApiError otherwise. */
  private async send(method: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new GatewayUnreachableError(method, url, error);
    }

    if (response.status !== 200) {
      const text = await response.text().catch(() => "");
      const error = parseGatewayError(text, response.statusText);
      throw new CortexApiError(response.status, error.message, error.code, method, url);
    }
    return response;
  }
}

async function readJson(response: Response, method: string, url: string): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url} returned a body that is not JSON: ${text.slice(0, 200)}`);
  }
}
