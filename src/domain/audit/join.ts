import type { EventIdentity } from './claim-mappings.js';
import type { IndexedSignIn, SignInIndex } from './sign-in-index.js';

/**
 * Joins one Kubernetes request to the Entra sign-in that issued its token.
 *
 * Exact, where the cluster maps the token's `uti` / `sid` claims into
 * `user.extra`: Entra's sign-in log records the same values as
 * `uniqueTokenIdentifier` and session id (Microsoft "linkable identifiers",
 * entra-docs how-to-authentication-track-linkable-identifiers.md).
 *
 * Heuristic, where it does not (AKS, legacy --oidc-* flags): the user's
 * successful sign-ins in the token-lifetime window before the request, scored
 * by closeness in time, source IP and client app, with a confidence that drops
 * when several sign-ins score alike.
 */
export type JoinMethod = 'uti' | 'sid' | 'heuristic' | 'none';

export interface JoinEvidence {
  /** Which identity the candidates were found by. */
  matchedBy: 'oid' | 'upn';
  /** Minutes between the sign-in and the request (negative: the sign-in is logged later, within skew). */
  minutesAfterSignIn: number;
  /** Sign-in IP equals the API server's source IP; null when either side is unknown. */
  ipMatch: boolean | null;
  /** Sign-in app/resource is one of the cluster's apps; null when no app ids are configured. */
  appMatch: boolean | null;
  /** How many sign-ins were in the window. */
  candidates: number;
  /** How many of them scored within the ambiguity margin of the best. */
  alike: number;
}

export interface JoinResult {
  method: JoinMethod;
  /** 1 for exact joins; (0, 0.95] for heuristic ones; 0 when nothing was joined. */
  confidence: number;
  signIn?: IndexedSignIn;
  evidence?: JoinEvidence;
  /** Why the join is not exact, when it could have been. */
  note?: string;
}

export interface JoinOptions {
  /** How long after a sign-in its token can still be used (Entra access tokens live 60–90 minutes). */
  windowMs: number;
  /** Clock skew tolerated between Entra and the API server, in both directions. */
  skewMs: number;
  /** Entra app ids (client or resource) of the cluster; empty when unknown. */
  appIds: readonly string[];
}

export const defaultJoinOptions: JoinOptions = {
  windowMs: 90 * 60_000,
  skewMs: 5 * 60_000,
  appIds: [],
};

/** Weights of the heuristic score; an unknown criterion earns a part of its weight, a mismatch none. */
export const heuristicWeights = {
  identity: 0.4,
  time: 0.2,
  ip: 0.25,
  ipUnknown: 0.1,
  app: 0.15,
  appUnknown: 0.05,
  /** A heuristic join is never as certain as an exact one. */
  cap: 0.95,
  /** Candidates scoring within this of the best make the join ambiguous. */
  margin: 0.05,
} as const;

const none: JoinResult = { method: 'none', confidence: 0 };

export function joinSignIn(
  identity: EventIdentity,
  time: number,
  sourceIp: string | undefined,
  index: SignInIndex,
  options: JoinOptions,
): JoinResult {
  let note: string | undefined;
  if (identity.uti !== undefined) {
    const signIn = index.byToken(identity.uti);
    if (signIn) return { method: 'uti', confidence: 1, signIn };
    note = 'token uti not found in the sign-in log';
  }
  if (identity.sid !== undefined) {
    const session = index.bySession(identity.sid);
    const signIn = latestAtOrBefore(session, time + options.skewMs) ?? session[0];
    if (signIn) return withNote({ method: 'sid', confidence: 1, signIn }, note);
    note = note ?? 'session sid not found in the sign-in log';
  }
  if (identity.uti === undefined && identity.sid === undefined && (identity.oid || identity.upn))
    note = 'no uti/sid in the audit event: heuristic join';
  const heuristic = scoreCandidates(identity, time, sourceIp, index, options);
  return withNote(heuristic ?? none, note);
}

function withNote(result: JoinResult, note: string | undefined): JoinResult {
  return note === undefined ? result : { ...result, note };
}

function latestAtOrBefore(list: readonly IndexedSignIn[], time: number): IndexedSignIn | undefined {
  let found: IndexedSignIn | undefined;
  for (const entry of list) {
    if (entry.time > time) break;
    found = entry;
  }
  return found;
}

function scoreCandidates(
  identity: EventIdentity,
  time: number,
  sourceIp: string | undefined,
  index: SignInIndex,
  options: JoinOptions,
): JoinResult | undefined {
  if (Number.isNaN(time)) return undefined;
  const from = time - options.windowMs;
  const to = time + options.skewMs;
  let matchedBy: 'oid' | 'upn' = 'oid';
  let candidates = identity.oid ? index.forUser(identity.oid, from, to) : [];
  if (candidates.length === 0 && identity.upn) {
    candidates = index.forUser(identity.upn, from, to);
    matchedBy = 'upn';
  }
  if (candidates.length === 0) return undefined;

  let best:
    | { entry: IndexedSignIn; score: number; ipMatch: boolean | null; appMatch: boolean | null }
    | undefined;
  const scores: number[] = [];
  for (const entry of candidates) {
    const age = time - entry.time;
    const closeness = age <= 0 ? 1 : Math.max(0, 1 - age / options.windowMs);
    const ip = entry.signIn.ipAddress;
    const ipMatch = ip && sourceIp ? ip === sourceIp : null;
    const appMatch =
      options.appIds.length > 0
        ? options.appIds.includes(entry.signIn.appId ?? '') ||
          options.appIds.includes(entry.signIn.resourceId ?? '')
        : null;
    const score =
      heuristicWeights.identity +
      heuristicWeights.time * closeness +
      (ipMatch === true ? heuristicWeights.ip : ipMatch === null ? heuristicWeights.ipUnknown : 0) +
      (appMatch === true ? heuristicWeights.app : appMatch === null ? heuristicWeights.appUnknown : 0);
    scores.push(score);
    // Ties go to the later sign-in: a refreshed token replaces the older one.
    if (!best || score >= best.score) best = { entry, score, ipMatch, appMatch };
  }
  if (!best) return undefined;
  const top = best.score;
  const alike = scores.filter((score) => top - score <= heuristicWeights.margin).length;
  const confidence = round2(Math.min(heuristicWeights.cap, top) / alike);
  return {
    method: 'heuristic',
    confidence,
    signIn: best.entry,
    evidence: {
      matchedBy,
      minutesAfterSignIn: Math.round((time - best.entry.time) / 6000) / 10,
      ipMatch: best.ipMatch,
      appMatch: best.appMatch,
      candidates: candidates.length,
      alike,
    },
  };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
