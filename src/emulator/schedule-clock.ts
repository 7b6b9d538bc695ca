/**
 * The clock PIM schedules run on: the emulator's clock plus the time a test
 * skipped ahead (`control.advanceClock`). Only schedules follow it (activation
 * start and end, eligibility windows, PIM's audit records). Tokens, sign-ins
 * and grants stay on the emulator's own clock, because the real parts that
 * check them (kube-apiserver, MSAL, the webhook) read the machine's time: a
 * token stamped two hours ahead would be refused as not yet valid.
 */
export class ScheduleClock {
  private offsetMs = 0;

  constructor(private readonly base: () => number) {}

  now(): number {
    return this.base() + this.offsetMs;
  }

  /** Moves schedule time forward (never back: an activation's end may not come before its start). */
  advance(ms: number): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new Error(`cannot advance the clock by ${ms} ms`);
    this.offsetMs += ms;
  }

  get skippedMs(): number {
    return this.offsetMs;
  }
}
