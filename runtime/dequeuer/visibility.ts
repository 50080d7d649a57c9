import type { Logger } from "pino";
import type { MessageQueue } from "./message-queue.js";

/**
 * Keeps a message hidden while it is handled: every third of the window it
 * sets the visibility to a full window counted from now. If the dequeuer dies,
 * the extensions stop and SQS delivers the message again within one window.
 */
export class VisibilityExtender {
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly queue: MessageQueue,
    private readonly receiptHandle: string,
    private readonly windowSeconds: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.pending = this.extend();
    }, (this.windowSeconds * 1000) / 3);
  }

  /** Stops extending and waits for a call under way, so it cannot undo a later visibility change. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pending;
  }

  private async extend(): Promise<void> {
    try {
      await this.queue.changeVisibility(this.receiptHandle, this.windowSeconds);
      this.logger.debug({ visibilitySeconds: this.windowSeconds }, "extended message visibility");
    } catch (error) {
      // The next tick tries again. If every try fails, SQS redelivers the message after the window.
      this.logger.error({ err: error }, "extending message visibility failed");
    }
  }
}
