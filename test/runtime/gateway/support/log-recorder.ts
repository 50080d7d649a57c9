import { EventEmitter, once } from "node:events";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

/** A pino logger whose JSON lines are kept in memory, so tests can wait for and inspect them. */
export class LogRecorder {
  readonly lines: LogLine[] = [];
  readonly logger: Logger;
  private readonly events = new EventEmitter();

  constructor(level = "info") {
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        for (const text of chunk.toString("utf8").split("\n")) {
          if (text.trim() === "") continue;
          const line = JSON.parse(text) as LogLine;
          this.lines.push(line);
          this.events.emit("line", line);
        }
        callback();
      },
    });
    this.logger = pino({ level }, sink);
  }

  /** Resolves with the first line, past or future, that matches. Rejects after `timeoutMs`. */
  async waitFor(matches: (line: LogLine) => boolean, timeoutMs = 20_000): Promise<LogLine> {
    const seen = this.lines.find(matches);
    if (seen !== undefined) return seen;

    const signal = AbortSignal.timeout(timeoutMs);
    for (;;) {
      const [line] = (await once(this.events, "line", { signal })) as [LogLine];
      if (matches(line)) return line;
    }
  }
}
