/**
 * ISO 8601 durations as PIM writes them (`PT8H`, `PT30M`, `P1D`, `PT1H30M`):
 * the `maximumDuration` of a policy's expiration rule and the `duration` of an
 * `afterDuration` expiration (v1.0 resources/expirationpattern.md). Years and
 * months have no fixed length, so they are refused rather than guessed.
 */

const pattern =
  /^P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const unitMs = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000] as const;

/** Milliseconds of an ISO 8601 duration, or undefined when the text is not one (or is only `P`/`PT`). */
export function parseIsoDuration(text: string): number | undefined {
  const match = pattern.exec(text.trim());
  if (!match || /T$/i.test(text.trim()) || match.slice(1).every((part) => part === undefined))
    return undefined;
  let total = 0;
  unitMs.forEach((ms, i) => {
    const part = match[i + 1];
    if (part !== undefined) total += Number(part) * ms;
  });
  return Math.round(total);
}

/** The shortest `PT…` form of whole seconds: 7_200_000 -> `PT2H`, 5_400_000 -> `PT1H30M`. */
export function formatIsoDuration(ms: number): string {
  let seconds = Math.max(0, Math.round(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  seconds -= hours * 3600;
  const minutes = Math.floor(seconds / 60);
  seconds -= minutes * 60;
  const parts = [hours ? `${hours}H` : '', minutes ? `${minutes}M` : '', seconds ? `${seconds}S` : ''].join(
    '',
  );
  return `PT${parts || '0S'}`;
}

/** `2h`, `1h30m`, `45m`, `90s`: for people; 7_200_000 -> `2h`, 5_400_000 -> `1h30m`. */
export function describeDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h === 0 && m === 0) return `${s}s`;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${h === 0 && s ? `${s}s` : ''}` || '0s';
}
