/**
 * One TokenReview, start to finish:
 *
 *   token --(cache by SHA-256, else verify)--> claims
 *         --(policy: guests, auth context, token age, source network)-->
 *         --(live Entra: account, revocation, groups now; overage resolved)-->
 *         --(claim mapping shared with the structured config)--> user | denial
 *
 * Signature checks are the expensive part and are cached per token; the live
 * checks run on every review against in-memory state, and their outcome is
 * reused only while the state's version is unchanged, so a delta round that
 * removes a membership takes effect on the very next review.
 *
 * Every denial is logged with its stage and reason, the token's `uti`, `oid`
 * and a hash prefix — never the token.
 */
import type { EntraState, LiveDenyReason } from './entra-state.js';
import type { ClaimMapper } from './identity.js';
import type { Log } from './log.js';
import type { WebhookMetrics } from './metrics.js';
import type { ReviewPolicy } from './policy.js';
import { type ResultCache, tokenKey } from './result-cache.js';
import type { ReviewedUser } from './token-review.js';
import type { EntraClaims, TokenValidator } from './token-validator.js';

export type ReviewOutcome =
  | { authenticated: true; user: ReviewedUser }
  | {
      authenticated: false;
      stage: 'token' | 'policy' | 'live' | 'mapping' | 'internal';
      reason: string;
      /** The access file rule's message, for the log (never sent back to the API server). */
      detail?: string;
    };

export interface VerifiedToken {
  claims: EntraClaims;
  /** First 12 characters of the token's SHA-256: enough to correlate log lines, useless as a credential. */
  hash: string;
  /**
   * The last outcome; `version` is the user's state stamp it was computed for (live.stampOf), `seen` the
   * state's overall version when it was last known to hold (a fast path: nothing changed anywhere).
   */
  decision?: { version: number; seen?: number; outcome: ReviewOutcome };
}

export type LiveState = Pick<EntraState, 'check' | 'unfit' | 'stampOf' | 'version'>;

export interface ReviewPipelineDeps {
  validator: Pick<TokenValidator, 'validate'>;
  /** Undefined only when live checks are switched off (then the webhook behaves like plain OIDC). */
  live: LiveState | undefined;
  mapClaims: ClaimMapper;
  policy: ReviewPolicy;
  cache: ResultCache<VerifiedToken>;
  now: () => number;
  log: Log;
  metrics: WebhookMetrics;
}

/** Live denials that depend only on the user's state, so they may be reused while it is unchanged. */
const userSpecific: ReadonlySet<LiveDenyReason> = new Set([
  'user_unknown',
  'account_disabled',
  'sessions_revoked',
]);

export class ReviewPipeline {
  private readonly count: { hit: () => void; miss: () => void; allowed: () => void };

  constructor(private readonly deps: ReviewPipelineDeps) {
    const { cache, reviews } = deps.metrics;
    this.count = {
      hit: cache.child({ result: 'hit' }),
      miss: cache.child({ result: 'miss' }),
      allowed: reviews.child({ result: 'allowed' }),
    };
  }

  private deniedCounter(reason: string): () => void {
    return this.deps.metrics.reviews.child({ result: 'denied', reason });
  }

  async review(token: string): Promise<ReviewOutcome> {
    const started = performance.now();
    const outcome = await this.reviewOnce(token);
    (outcome.authenticated ? this.count.allowed : this.deniedCounter(outcome.reason))();
    this.deps.metrics.latency.observe((performance.now() - started) / 1000);
    return outcome;
  }

  private async reviewOnce(token: string): Promise<ReviewOutcome> {
    let verified: VerifiedToken | undefined;
    try {
      const key = tokenKey(token);
      verified = this.deps.cache.get(key);
      (verified ? this.count.hit : this.count.miss)();
      if (!verified) {
        const validation = await this.deps.validator.validate(token);
        if (!validation.ok) {
          this.deps.log('info', 'review.denied', {
            stage: 'token',
            reason: validation.reason,
            detail: validation.detail,
            tokenHash: key.slice(0, 12),
          });
          return { authenticated: false, stage: 'token', reason: validation.reason };
        }
        verified = { claims: validation.claims, hash: key.slice(0, 12) };
        this.deps.cache.set(key, verified, validation.claims.exp * 1000);
      }
      const outcome = await this.decide(verified);
      if (outcome.authenticated) this.deps.log('debug', 'review.allowed', this.who(verified));
      else
        this.deps.log('info', 'review.denied', {
          stage: outcome.stage,
          reason: outcome.reason,
          ...(outcome.detail ? { detail: outcome.detail } : {}),
          ...this.who(verified),
        });
      return outcome;
    } catch (error) {
      this.deps.log('error', 'review.failed', {
        error: error instanceof Error ? error.message : String(error),
        ...(verified ? this.who(verified) : {}),
      });
      return { authenticated: false, stage: 'internal', reason: 'internal_error' };
    }
  }

  private async decide(verified: VerifiedToken): Promise<ReviewOutcome> {
    const { claims } = verified;
    const verdict = this.deps.policy(claims, this.deps.now());
    if (!verdict.ok) return { authenticated: false, stage: 'policy', reason: verdict.reason };

    const live = this.deps.live;
    if (!live) {
      // Mapping is a pure function of the claims: a token seen before reuses its answer.
      verified.decision ??= { version: 0, outcome: this.map(claims) };
      return verified.decision.outcome;
    }
    const unfit = live.unfit();
    if (unfit) return { authenticated: false, stage: 'live', reason: unfit };
    // A remembered answer holds only while nothing concerning its user changed (fields, memberships, nesting):
    // nothing changed at all (one field read), or the changes since were about others (one map lookup).
    const seen = live.version;
    const memo = verified.decision;
    if (memo?.seen === seen) return memo.outcome;
    const version = live.stampOf(claims.oid);
    if (memo && memo.version === version) {
      memo.seen = seen;
      return memo.outcome;
    }
    const state = await live.check(claims);
    if (!state.ok) {
      const outcome: ReviewOutcome = { authenticated: false, stage: 'live', reason: state.reason };
      if (userSpecific.has(state.reason)) verified.decision = { version, seen, outcome };
      return outcome;
    }
    // The mapping sees the groups that are true now, exactly as if Entra had put them in the token.
    const { _claim_names: _names, _claim_sources: _sources, ...rest } = claims;
    const outcome = this.map({ ...rest, groups: state.groups });
    verified.decision = { version, seen, outcome };
    return outcome;
  }

  private map(claims: Readonly<Record<string, unknown>>): ReviewOutcome {
    const mapped = this.deps.mapClaims(claims);
    return mapped.ok
      ? { authenticated: true, user: mapped.user }
      : { authenticated: false, stage: 'mapping', reason: mapped.reason, detail: mapped.detail };
  }

  private who(verified: VerifiedToken): Record<string, unknown> {
    const { claims } = verified;
    return { oid: claims.oid, tid: claims.tid, uti: claims.uti, tokenHash: verified.hash };
  }
}
