/**
 * "Did you mean ...?" for names a user typed: the closest candidate by edit
 * distance, also accepting a shared leading stem (so "devs" finds
 * "developers"). Returns undefined when nothing is close enough to help.
 */
/** Optimal string alignment distance: Levenshtein plus swapped neighbours ("veiw" -> "view" is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => d[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

export function didYouMean(input: string, candidates: Iterable<string>): string | undefined {
  const typed = input.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    if (name === typed) return candidate;
    const distance = editDistance(typed, name);
    const stem = commonPrefix(typed, name);
    const close = distance <= Math.max(1, Math.floor(Math.max(typed.length, name.length) / 3));
    const sameStem = stem >= 3 && stem >= typed.length - 1;
    if (!close && !sameStem) continue;
    const score = distance - stem;
    if (!best || score < best.score) best = { candidate, score };
  }
  return best?.candidate;
}

/** ` (did you mean "x"?)` or "" — ready to append to a message. */
export function didYouMeanSuffix(input: string, candidates: Iterable<string>): string {
  const suggestion = didYouMean(input, candidates);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}
