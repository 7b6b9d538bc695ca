/**
 * What `kentra verify` gathers from the world before judging it. The checks
 * (checks.ts) are pure functions of these facts, so every pass and failure is
 * unit-tested with plain values. Nothing here holds a token: only its claims.
 */
import type { Plan } from '../bindings/plan.js';
import type { Authentication, JwtAuthenticator, MappedUser } from '../identity/authenticator.js';
import type { RiskFinding } from '../rbac/risks.js';

/** A failure while gathering a fact, told as the error said it (never containing a token). */
export interface Problem {
  readonly message: string;
  readonly hint?: string;
}

export type Gathered<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly problem: Problem };

/** The API server's answer to a SelfSubjectReview made with the user's token. */
export type SelfReview =
  | { readonly accepted: true; readonly user: MappedUser }
  | { readonly accepted: false; readonly status: number; readonly message: string };

/** A `jit: true` rule's group as PIM reports it. */
export interface JitGroupFact {
  /** `rules[3]`. */
  readonly rule: string;
  /** The group as the rule names it. */
  readonly group: string;
  /** Onboarded to PIM for Groups (a policy, or eligible members). */
  readonly pimManaged: boolean;
  /** Members not there through a PIM activation (object IDs, or UPNs when known). */
  readonly permanentMembers: readonly string[];
}

export interface VerifyFacts {
  readonly cluster: string;
  /** What the access file configures (issuer, audiences, mappings, policy). */
  readonly authenticator: JwtAuthenticator;
  readonly usernamePrefix: string;
  readonly groupsPrefix: string;
  readonly groupsClaim: string;
  /** `issuer` of the document at `{configured issuer}/.well-known/openid-configuration`. */
  readonly discovery: Gathered<{ readonly url: string; readonly issuer: unknown }>;
  /** The claims of a freshly obtained token. */
  readonly token: Gathered<Readonly<Record<string, unknown>>>;
  /** How the access file's authenticator maps those claims (kentra's evaluation of the rendered config). */
  readonly expected?: Authentication;
  /** How many groups Graph says the token's user is in (when the token has no groups claim and Graph is at hand). */
  readonly directoryGroupCount?: Gathered<number>;
  /** The API server's own mapping of the token; absent when no token was obtained. */
  readonly review?: Gathered<SelfReview>;
  /** `kentra rbac plan --prune` for this cluster. */
  readonly plan: Gathered<Plan>;
  /** Risk findings over the cluster's RBAC, with whether the finding's binding is declared by the access file. */
  readonly risks: Gathered<readonly { readonly finding: RiskFinding; readonly declared: boolean }[]>;
  /** The groups of the cluster's `jit: true` rules (empty when there are none). */
  readonly jitGroups: Gathered<readonly JitGroupFact[]>;
}
