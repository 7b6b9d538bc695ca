import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte stream into lines and hands each to `onLine` synchronously.
 * Faster than node:readline's async iterator (one promise per line) and keeps
 * memory flat: only the unfinished last line of a chunk is carried over, and a
 * line longer than `maxLineChars` is dropped (reported via `onOverlong`) while
 * it is read, whether it spans many chunks or sits inside one. Nothing longer
 * than the cap is ever held, parsed or copied: a 60 MB line costs one chunk of
 * memory, not a gigabyte of JSON objects (bench/audit-join.ts measures it).
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

/** 1 MiB: kube-apiserver's lines are a few KiB even at RequestResponse level with large objects. */
export const defaultMaxLineChars = 1024 * 1024;

export async function splitLines(
  chunks: AsyncIterable<Buffer | string>,
  options: SplitOptions,
  carryIn = '',
): Promise<SplitResult> {
  const decoder = new StringDecoder('utf8');
  const max = options.maxLineChars ?? defaultMaxLineChars;
  const { onLine, onOverlong } = options;
  let number = options.startLine ?? 0;
  let carry = carryIn;
  let skippingOverlong = false;
  for await (const chunk of chunks) {
    // Newlines are searched in the new piece only: a long carried line is never scanned twice.
    const piece = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let newline = piece.indexOf('\n');
    while (newline !== -1) {
      number++;
      if (skippingOverlong) {
        skippingOverlong = false;
      } else {
        let end = newline;
        if (end > start && piece.charCodeAt(end - 1) === 13 /* \r */) end--;
        else if (end === start && carry.endsWith('\r')) carry = carry.slice(0, -1);
        if (carry.length + (end - start) > max) onOverlong?.(number);
        else {
          const text = carry === '' ? piece.slice(start, end) : carry + piece.slice(start, end);
          if (text !== '') onLine(text, number);
        }
      }
      carry = '';
      start = newline + 1;
      newline = piece.indexOf('\n', start);
    }
    if (!skippingOverlong) {
      if (carry.length + (piece.length - start) > max) {
        onOverlong?.(number + 1);
        skippingOverlong = true;
        carry = '';
      } else carry += start === 0 ? piece : piece.slice(start);
    }
    if (options.afterChunk) await options.afterChunk();
  }
  const rest = skippingOverlong ? '' : carry + decoder.end();
  return { lines: number, rest };
}
