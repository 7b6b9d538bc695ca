import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines and hands each to `onLine` synchronously.
 * Faster than node:readline's async iterator (one promise per line) and keeps
 * memory flat: only the unfinished last line of a chunk is carried over, and a
 * line longer than `maxLineChars` is dropped (reported via `onOverlong`) instead
 * of growing without bound.
 */
export interface SplitOptions {
  /** Called for every non-empty line; `number` counts from 1 and includes empty lines. */
  onLine: (text: string, number: number) => void;
  /** Awaited after each chunk: the place to honour output backpressure. */
  afterChunk?: () => Promise<void> | void;
  onOverlong?: (number: number) => void;
  maxLineChars?: number;
  /** Line numbers continue from here (for follow mode, which reads in several passes). */
  startLine?: number;
}

export interface SplitResult {
  lines: number;
  /** A final line without a newline (truncated file, or still being written when following). */
  rest: string;
}

const defaultMaxLineChars = 64 * 1024 * 1024;

export async function splitLines(
  chunks: AsyncIterable<Buffer | string>,
  options: SplitOptions,
  carryIn = '',
): Promise<SplitResult> {
  const decoder = new StringDecoder('utf8');
  const max = options.maxLineChars ?? defaultMaxLineChars;
  const onLine = options.onLine;
  let number = options.startLine ?? 0;
  let carry = carryIn;
  let skippingOverlong = false;
  for await (const chunk of chunks) {
    const text = carry + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    let start = 0;
    let newline = text.indexOf('\n');
    while (newline !== -1) {
      number++;
      if (skippingOverlong) {
        skippingOverlong = false;
      } else {
        let end = newline;
        if (end > start && text.charCodeAt(end - 1) === 13 /* \r */) end--;
        if (end > start) onLine(text.slice(start, end), number);
      }
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    carry = start === 0 ? text : text.slice(start);
    if (carry.length > max) {
      if (!skippingOverlong) options.onOverlong?.(number + 1);
      skippingOverlong = true;
      carry = '';
    }
    if (options.afterChunk) await options.afterChunk();
  }
  const rest = skippingOverlong ? '' : carry + decoder.end();
  return { lines: number, rest };
}
