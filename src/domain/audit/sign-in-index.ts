import { normalizeTokenId, type SignIn, signInSucceeded, signInTime } from './sign-in.js';

/** A sign-in with its time parsed once, so joins never re-parse dates. */
export interface IndexedSignIn {
  readonly signIn: SignIn;
  readonly time: number;
}

/**
 * The sign-in log held in memory and indexed three ways: by token (`uti`), by
 * session (`sid`) and by user (`oid`, also by UPN for clusters whose username is
 * the UPN), each user's and session's list sorted by time for binary search.
 * Audit events stream past it; it is the only thing that grows with input.
 */
export class SignInIndex {
  private readonly byUti = new Map<string, IndexedSignIn>();
  private readonly bySid = new Map<string, IndexedSignIn[]>();
  private readonly byUser = new Map<string, IndexedSignIn[]>();
  private readonly byId = new Map<string, IndexedSignIn>();
  private sorted = true;
  private count = 0;

  add(signIn: SignIn): void {
    const time = signInTime(signIn);
    if (Number.isNaN(time) || !signInSucceeded(signIn)) return;
    if (signIn.id !== undefined && this.byId.has(signIn.id)) return; // overlapping exports
    const entry: IndexedSignIn = { signIn, time };
    if (signIn.id !== undefined) this.byId.set(signIn.id, entry);
    this.count++;
    if (signIn.uniqueTokenIdentifier) this.byUti.set(normalizeTokenId(signIn.uniqueTokenIdentifier), entry);
    if (signIn.sessionId) push(this.bySid, signIn.sessionId, entry);
    if (signIn.userId) push(this.byUser, signIn.userId.toLowerCase(), entry);
    if (signIn.userPrincipalName) push(this.byUser, signIn.userPrincipalName.toLowerCase(), entry);
    this.sorted = false;
  }

  get size(): number {
    return this.count;
  }

  byToken(uti: string): IndexedSignIn | undefined {
    return this.byUti.get(normalizeTokenId(uti));
  }

  /** The session's sign-ins, oldest first. */
  bySession(sid: string): readonly IndexedSignIn[] {
    this.sort();
    return this.bySid.get(sid) ?? [];
  }

  /** The user's successful sign-ins (by oid or UPN, case-insensitive) with from <= time <= to, oldest first. */
  forUser(user: string, from: number, to: number): readonly IndexedSignIn[] {
    this.sort();
    const list = this.byUser.get(user.toLowerCase());
    if (!list) return [];
    const start = lowerBound(list, from);
    let end = start;
    while (end < list.length && (list[end] as IndexedSignIn).time <= to) end++;
    return list.slice(start, end);
  }

  private sort(): void {
    if (this.sorted) return;
    for (const list of this.bySid.values()) list.sort(byTime);
    for (const list of this.byUser.values()) list.sort(byTime);
    this.sorted = true;
  }
}

function push(map: Map<string, IndexedSignIn[]>, key: string, entry: IndexedSignIn): void {
  const list = map.get(key);
  if (list) list.push(entry);
  else map.set(key, [entry]);
}

function byTime(a: IndexedSignIn, b: IndexedSignIn): number {
  return a.time - b.time;
}

/** First index whose time is >= `time`. */
function lowerBound(list: readonly IndexedSignIn[], time: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((list[mid] as IndexedSignIn).time < time) low = mid + 1;
    else high = mid;
  }
  return low;
}
