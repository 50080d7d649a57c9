import { CortexClient } from "../../client/client.js";
import { isApiName } from "../../shared/storage-layout.js";
import { configDirFromEnv } from "../../client/config.js";
import { UsageError } from "../usage.js";

/** Help line shared by the commands that talk to a gateway. */
export const ENDPOINT_HELP = `  --endpoint URL         Gateway base URL (default: the endpoint in
                         $CORTEX_CLI_CONFIG_DIR/cli.yaml, /cortex/client/cli.yaml when unset)`;

/** Checks the <api> argument of `command`. */
export function requireApiArgument(command: string, api: string | undefined): string {
  if (api === undefined) throw new UsageError("missing <api>: name the API", command);
  if (!isApiName(api)) {
    throw new UsageError(`invalid API name ${JSON.stringify(api)}: use lowercase letters, digits and '-', starting with a letter`, command);
  }
  return api;
}

/** Builds a client from `--endpoint`, or from cli.yaml when the flag is absent. */
export async function clientFor(command: string, endpoint: string | undefined, env: NodeJS.ProcessEnv): Promise<CortexClient> {
  if (endpoint === undefined) return CortexClient.fromConfig(configDirFromEnv(env));

  try {
    return new CortexClient({ endpoint });
  } catch (error) {
    throw new UsageError(`--endpoint is invalid: ${(error as Error).message}`, command);
  }
}
