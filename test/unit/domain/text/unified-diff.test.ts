import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unifiedDiff } from '../../../../src/domain/text/unified-diff.js';

const labels = { from: 'x', to: 'y' };

/** Applies a unified diff to `before` (what `patch` does), to check a diff by its effect. */
function apply(before: string, diff: string): string {
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let next = 0;
  for (const hunk of diff.split(/^(?=@@ )/m).slice(1)) {
    const start = Number(/^@@ -(\d+)/.exec(hunk)?.[1]);
    const body = hunk.split('\n').slice(1, -1);
    const from = body.some((line) => !line.startsWith('+')) ? start - 1 : start;
    out.push(...lines.slice(next, from));
    next = from;
    for (const line of body) {
      if (line.startsWith('+')) out.push(line.slice(1));
      else {
        assert.equal(lines[next], line.slice(1), 'context and removed lines match the text');
        if (line.startsWith(' ')) out.push(line.slice(1));
        next++;
      }
    }
  }
  out.push(...lines.slice(next));
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

describe('unified diff', () => {
  it('matches GNU diff -u for two hunks (one change, one line added at the end)', () => {
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n';
    // Output of `diff -u --label x --label y` (GNU diffutils 3.8) on the same texts.
    assert.equal(
      unifiedDiff(before, after, labels),
      '--- x\n+++ y\n@@ -1,5 +1,5 @@\n a\n-b\n+B\n c\n d\n e\n@@ -9,3 +9,4 @@\n i\n j\n k\n+l\n',
    );
  });

  it('matches GNU diff -u for a file that is emptied or created', () => {
    assert.equal(unifiedDiff('one\ntwo\n', '', labels), '--- x\n+++ y\n@@ -1,2 +0,0 @@\n-one\n-two\n');
    assert.equal(unifiedDiff('', 'one\ntwo\n', labels), '--- x\n+++ y\n@@ -0,0 +1,2 @@\n+one\n+two\n');
    assert.equal(unifiedDiff('a\n', 'b\n', labels), '--- x\n+++ y\n@@ -1 +1 @@\n-a\n+b\n');
  });

  it('is empty for equal texts, and every diff turns the old text into the new one', () => {
    assert.equal(unifiedDiff('same\n', 'same\n', labels), '');
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const text = (n: number) =>
      Array.from({ length: n }, () => 'abcde'[Math.floor(random() * 5)]).join('\n') + (n ? '\n' : '');
    for (let round = 0; round < 200; round++) {
      const before = text(Math.floor(random() * 30));
      const after = text(Math.floor(random() * 30));
      assert.equal(
        apply(before, unifiedDiff(before, after, labels)),
        after,
        JSON.stringify({ before, after }),
      );
    }
  });
});
