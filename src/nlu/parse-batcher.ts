import type { Nlu, Parse } from './nlu';

interface Waiting {
  text: string;
  now: Date;
  resolve: (parse: Parse) => void;
  reject: (err: unknown) => void;
}

/**
 * Parses the messages that arrive in one turn of the event loop together. A server under load
 * reads several requests per turn; parsing them stage by stage (Nlu.parseMany) keeps each stage's
 * code and tables in the CPU's caches instead of reloading them between the HTTP work of every
 * request. A message alone waits one setImmediate. Nothing is cached across messages.
 */
export class ParseBatcher {
  private waiting: Waiting[] = [];

  constructor(
    private readonly nlu: Pick<Nlu, 'parse' | 'parseMany'>,
    /** Bounds the wait a batch adds to its last message. */
    private readonly maxBatch = 32,
    /** Each message's share of its batch's parsing time, in seconds (not the wait: that is the turn's). */
    private readonly onParsed?: (seconds: number) => void,
  ) {}

  parse(text: string, now: Date): Promise<Parse> {
    return new Promise((resolve, reject) => {
      if (this.waiting.push({ text, now, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.waiting.splice(0, this.maxBatch);
    if (this.waiting.length) setImmediate(() => this.flush());
    const started = performance.now();
    let parsed: Parse[];
    try {
      parsed = this.nlu.parseMany(batch);
    } catch {
      // One bad message must not fail the others: parse each alone, so only it fails.
      for (const w of batch) {
        try {
          w.resolve(this.nlu.parse(w.text, w.now));
        } catch (err) {
          w.reject(err);
        }
      }
      return;
    }
    const share = (performance.now() - started) / 1000 / batch.length;
    batch.forEach((w, k) => {
      this.onParsed?.(share);
      w.resolve(parsed[k]);
    });
  }
}
