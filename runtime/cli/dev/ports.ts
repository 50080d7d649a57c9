import { createServer } from "node:net";

/** Reports a port `cortex dev` cannot use; the message names the flag that sets it. */
export class PortInUseError extends Error {
  override name = "PortInUseError";

  constructor(
    readonly port: number,
    readonly flag: string,
  ) {
    super(`port ${port} is already in use: stop the process listening on it, or choose another port with ${flag}`);
  }
}

/**
 * Throws PortInUseError when something listens on `port` of 127.0.0.1. On Linux a
 * listener on 0.0.0.0 or [::] also blocks 127.0.0.1, so those are caught too.
 */
export async function assertPortFree(port: number, flag: string): Promise<void> {
  const server = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port, host: "127.0.0.1", exclusive: true }, resolve);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") throw new PortInUseError(port, flag);
    throw error;
  }
  await new Promise((resolve) => server.close(resolve));
}

/**
 * Returns a port on 127.0.0.1 that was free a moment ago. Another process may take
 * it before the caller binds it, which then fails with EADDRINUSE.
 */
export async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host: "127.0.0.1", exclusive: true }, resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));

  if (address === null || typeof address === "string") throw new Error("listening on port 0 returned no port");
  return address.port;
}
