import type { TextSink } from '../../ports/text-sink.js';

/**
 * Collects output text and writes it in large pieces: one write per ~64 KiB
 * instead of one per record. When the sink is a Node stream (process.stdout)
 * whose buffer is full, `drained()` waits for its 'drain' event so a slow
 * reader (a pager, a pipe) holds the producer back instead of memory growing.
 */
interface StreamLikeSink {
  write(text: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

function asStreamLike(sink: TextSink): StreamLikeSink | undefined {
  return typeof (sink as Partial<StreamLikeSink>).once === 'function'
    ? (sink as unknown as StreamLikeSink)
    : undefined;
}

export class BufferedOutput {
  private pending: string[] = [];
  private size = 0;
  private blocked: Promise<void> | undefined;

  constructor(
    private readonly sink: TextSink,
    private readonly threshold = 64 * 1024,
  ) {}

  write(text: string): void {
    this.pending.push(text);
    this.size += text.length;
    if (this.size >= this.threshold) this.flush();
  }

  flush(): void {
    if (this.size === 0) return;
    const text = this.pending.join('');
    this.pending = [];
    this.size = 0;
    const stream = asStreamLike(this.sink);
    if (stream) {
      if (!stream.write(text) && !this.blocked)
        this.blocked = new Promise<void>((resolve) =>
          stream.once('drain', () => {
            this.blocked = undefined;
            resolve();
          }),
        );
    } else {
      this.sink.write(text);
    }
  }

  /** Resolves once the sink can take more; cheap when it already can. */
  drained(): Promise<void> | undefined {
    return this.blocked;
  }
}
