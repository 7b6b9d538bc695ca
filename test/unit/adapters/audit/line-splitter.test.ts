import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultMaxLineChars, splitLines } from '../../../../src/adapters/audit/line-splitter.js';

async function* chunks(...parts: (string | Buffer)[]): AsyncIterable<Buffer | string> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

async function lines(parts: (string | Buffer)[], maxLineChars?: number) {
  const seen: [number, string][] = [];
  const overlong: number[] = [];
  const result = await splitLines(chunks(...parts), {
    onLine: (text, number) => seen.push([number, text]),
    onOverlong: (number) => overlong.push(number),
    maxLineChars,
  });
  return { seen, overlong, result };
}

describe('splitLines', () => {
  it('splits across chunk boundaries, numbers lines from 1 and skips empty ones', async () => {
    const { seen, result } = await lines(['{"a":1}\n{"b"', ':2}\r\n\n{"c":3}\n']);
    assert.deepEqual(seen, [
      [1, '{"a":1}'],
      [2, '{"b":2}'],
      [4, '{"c":3}'],
    ]);
    assert.equal(result.lines, 4);
    assert.equal(result.rest, '');
  });

  it('keeps multi-byte characters split between chunks intact', async () => {
    const bytes = Buffer.from('{"name":"Åse Ødegård"}\n');
    const { seen } = await lines([bytes.subarray(0, 11), bytes.subarray(11)]);
    assert.deepEqual(seen, [[1, '{"name":"Åse Ødegård"}']]);
  });

  it('returns an unterminated last line as rest', async () => {
    const { seen, result } = await lines(['{"a":1}\n{"trunc']);
    assert.equal(seen.length, 1);
    assert.equal(result.rest, '{"trunc');
    assert.equal(result.lines, 1);
  });

  it('drops a line longer than the limit, reports its number, and goes on', async () => {
    const { seen, overlong } = await lines(['{"a":1}\n', 'x'.repeat(30), 'y'.repeat(30), '\n{"b":2}\n'], 40);
    assert.deepEqual(overlong, [2]);
    assert.deepEqual(seen, [
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ]);
  });

  it('drops a whole overlong line that arrives inside one chunk, and counts lines across it', async () => {
    const { seen, overlong } = await lines([`{"a":1}\n${'z'.repeat(100)}\n{"b":2}\n`], 40);
    assert.deepEqual(overlong, [2]);
    assert.deepEqual(seen, [
      [1, '{"a":1}'],
      [3, '{"b":2}'],
    ]);
  });

  it('defaults to a 1 MiB cap', () => {
    assert.equal(defaultMaxLineChars, 1024 * 1024);
  });
});
