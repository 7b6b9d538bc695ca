/**
 * Everything the emulator's handlers share: the directory, keys, grants, sign-in
 * log, clock, base URL, request counters, injected faults and PIM.
 */
import type { Directory } from './directory.js';
import type { ExternalIssuers } from './external-issuers.js';
import type { Grants } from './grants.js';
import type { GraphThrottle } from './graph/throttle.js';
import type { SigningKeys } from './keys.js';
import type { PrivilegedAccess } from './privileged-access.js';
import type { SignInLog } from './signin-log.js';

/** A fault the test control injects: matching requests get a status, a delay, or both. */
export interface Fault {
  /** Endpoint name (see `endpointName`) or a path prefix such as `/v1.0/groups`. */
  match: string;
  status?: 429 | 500 | 503;
  /** Seconds for the Retry-After header (429/503). */
  retryAfter?: number;
  delayMs?: number;
  /** How many requests it affects (default: all until cleared). */
  times?: number;
  /** Only requests with this HTTP method (default: any), e.g. POST to fail writes but not reads. */
  method?: string;
}

export interface EmulatorContext {
  readonly baseUrl: string;
  readonly directory: Directory;
  readonly keys: SigningKeys;
  readonly grants: Grants;
  readonly signIns: SignInLog;
  /** Keys of the OIDC issuers that federated identity credentials name. */
  readonly issuers: ExternalIssuers;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly tokenLifetimeSeconds: number;
  readonly requestCounts: Map<string, number>;
  readonly faults: Fault[];
  /** Entra-like request limits per tenant and app on Graph. */
  readonly graphThrottle: GraphThrottle;
  /** PIM for Groups: activations, approvals and the schedule clock tests can advance. */
  readonly privilegedAccess: PrivilegedAccess;
}
