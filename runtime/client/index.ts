export { CortexClient, type CortexClientOptions, type SubmitOptions, type WaitOptions } from "./client.js";
export {
  ClientConfigError,
  DEFAULT_CONFIG_DIR,
  configDirFromEnv,
  parseClientConfig,
  readClientConfig,
  type ClientConfig,
} from "./config.js";
export { CortexApiError, GatewayUnreachableError, WaitTimeoutError } from "./errors.js";
export type { JsonValue, Payload } from "./payload.js";
export { isTerminal, type StatusResponse } from "./status-response.js";
