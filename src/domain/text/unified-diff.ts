/**
 * A unified diff of two texts by lines (the format of `diff -u` and git), for
 * dry runs that show what a write would change. The common head and tail are
 * cut first, so a small edit in a large file costs little; the middle is
 * matched by longest common subsequence.
 */
export interface DiffOptions {
  /** Labels of the `---` and `+++` lines. */
  from: string;
  to: string;
  /** Unchanged lines shown around each change (default 3). */
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string };

/** '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, options: DiffOptions): string {
  if (before === after) return '';
  const ops = lineOps(linesOf(before), linesOf(after));
  const context = options.context ?? 3;
  const out = [`--- ${options.from}`, `+++ ${options.to}`];
  for (const hunk of hunks(ops, context)) out.push(...hunk);
  return `${out.join('\n')}\n`;
}

function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const same = (lines: readonly string[]) => lines.map((line): Op => ({ kind: ' ', line }));
  return [
    ...same(a.slice(0, head)),
    ...middle(a.slice(head, a.length - tail), b.slice(head, b.length - tail)),
    ...same(a.slice(a.length - tail)),
  ];
}

/** Longest common subsequence over the changed middle; a very large middle is shown as replaced whole. */
function middle(a: readonly string[], b: readonly string[]): Op[] {
  const removed = a.map((line): Op => ({ kind: '-', line }));
  const added = b.map((line): Op => ({ kind: '+', line }));
  if (a.length === 0 || b.length === 0 || a.length * b.length > 4_000_000) return [...removed, ...added];
  const width = b.length + 1;
  const lengths = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lengths[i * width + j] =
        a[i] === b[j]
          ? (lengths[(i + 1) * width + j + 1] as number) + 1
          : Math.max(lengths[(i + 1) * width + j] as number, lengths[i * width + j + 1] as number);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i] as string });
      i++;
      j++;
    } else if ((lengths[(i + 1) * width + j] as number) >= (lengths[i * width + j + 1] as number)) {
      ops.push({ kind: '-', line: a[i++] as string });
    } else {
      ops.push({ kind: '+', line: b[j++] as string });
    }
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] as string });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] as string });
  return ops;
}

function hunks(ops: readonly Op[], context: number): string[][] {
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  const out: string[][] = [];
  let start = 0;
  while (start < changed.length) {
    let end = start;
    while (end + 1 < changed.length && (changed[end + 1] as number) - (changed[end] as number) <= 2 * context)
      end++;
    const from = Math.max(0, (changed[start] as number) - context);
    const to = Math.min(ops.length, (changed[end] as number) + context + 1);
    out.push(hunk(ops, from, to));
    start = end + 1;
  }
  return out;
}

function hunk(ops: readonly Op[], from: number, to: number): string[] {
  let oldLine = 1;
  let newLine = 1;
  for (const op of ops.slice(0, from)) {
    if (op.kind !== '+') oldLine++;
    if (op.kind !== '-') newLine++;
  }
  const body = ops.slice(from, to);
  const oldCount = body.filter((op) => op.kind !== '+').length;
  const newCount = body.filter((op) => op.kind !== '-').length;
  // diff -u: an empty side is numbered from the line before it; a one-line side has no count.
  const range = (line: number, count: number) =>
    count === 1 ? `${line}` : `${count === 0 ? line - 1 : line},${count}`;
  return [
    `@@ -${range(oldLine, oldCount)} +${range(newLine, newCount)} @@`,
    ...body.map((op) => `${op.kind}${op.line}`),
  ];
}
