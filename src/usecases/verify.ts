/**
 * `kentra verify`: walks the chain for one cluster and judges each link.
 *
 *   access file ─► issuer discovery ─► fresh token ─► API server (SelfSubjectReview)
 *               └► rbac plan --prune (drift) ─► cluster RBAC vs bootstrap defaults (risks)
 *               └► jit rules ─► their groups in PIM (managed, no permanent members)
 *
 * Gathering never stops at the first failure: every fact that can be had is
 * had, and the checks (src/domain/verify/checks.ts) decide what each means.
 */

import { decodeJwt } from 'jose';
import type { GraphClient } from '../adapters/graph/client.js';
import { memberGroupIds } from '../adapters/graph/membership.js';
import type { KubeClient } from '../adapters/kube/client.js';
import { loadRbacFromCluster } from '../adapters/kube/rbac-source.js';
import { sharedAudienceWarnings } from '../domain/access/audiences.js';
import { clusterAudience } from '../domain/access/cluster-apps.js';
import { ruleAppliesTo } from '../domain/access/model.js';
import { bindingKey } from '../domain/bindings/binding.js';
import { hasGroupsOverage } from '../domain/entra/claims.js';
import { authenticateClaims } from '../domain/identity/authenticator.js';
import { authenticatorFromAccessFile } from '../domain/identity/from-access-file.js';
import { bootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import { findRisks } from '../domain/rbac/risks.js';
import { type CheckResult, gathered, problem, runChecks } from '../domain/verify/checks.js';
import type { Gathered, SelfReview, VerifyFacts } from '../domain/verify/facts.js';
import { KentraError } from '../errors.js';
import { jitGroupFacts } from './jit-groups.js';
import type { LoadedAccessFile } from './load-access.js';
import { planRbac } from './rbac-plan.js';
import { selectCluster } from './select-cluster.js';

export interface VerifyDeps {
  /** The cluster as the operator sees it (reads RBAC). */
  kube: KubeClient;
  graph?: GraphClient;
  /** GET a JSON document (the issuer's discovery), trusting the tenant's CA. */
  fetchJson: (url: string) => Promise<{ status: number; body: unknown }>;
  /** A freshly obtained token for the user (get-token's use case). */
  obtainToken: () => Promise<string>;
  /** The API server's SelfSubjectReview with that token. */
  reviewToken: (token: string) => Promise<SelfReview>;
  now: () => number;
  progress: (line: string) => void;
}

export interface VerifyResult {
  cluster: string;
  passed: boolean;
  checks: CheckResult[];
  /** What is risky but not broken, e.g. clusters that accept one audience (a token replays across them). */
  warnings: string[];
}

function failure(error: unknown): Gathered<never> {
  if (error instanceof KentraError) return problem(error.message, error.hint);
  return problem(error instanceof Error ? error.message : String(error));
}

async function attempt<T>(work: () => Promise<T>): Promise<Gathered<T>> {
  try {
    return gathered(await work());
  } catch (error) {
    return failure(error);
  }
}

export async function verify(
  access: LoadedAccessFile,
  options: { cluster?: string },
  deps: VerifyDeps,
): Promise<VerifyResult> {
  const { file } = access;
  const cluster = selectCluster(file, options.cluster);
  if (!clusterAudience(file, cluster))
    throw new KentraError(
      'access.invalid',
      cluster.environment === undefined
        ? `${access.path}: app.clientId is not set; there is nothing to verify`
        : `${access.path}: cluster "${cluster.name}" has no audience: environment "${cluster.environment}" has no app yet`,
      {
        hint: 'Run `kentra entra setup` (it writes the client IDs into the file) or set them yourself.',
      },
    );
  const authenticator = authenticatorFromAccessFile(file, file.app.clientId ?? '', cluster);

  const discoveryUrl = `${authenticator.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const discovery = attempt(async () => {
    const { status, body } = await deps.fetchJson(discoveryUrl);
    if (status !== 200)
      throw new KentraError('net.http', `${discoveryUrl} answered ${status}`, {
        hint: 'The issuer URL has no discovery document: check tenant.id, tenant.authority and tenant.issuer.',
      });
    return { url: discoveryUrl, issuer: (body as { issuer?: unknown } | undefined)?.issuer };
  });

  deps.progress('signing in for a fresh token…');
  const tokenText = await attempt(deps.obtainToken);
  const token: VerifyFacts['token'] = tokenText.ok
    ? await attempt(async () => decodeJwt(tokenText.value) as Record<string, unknown>)
    : tokenText;
  const expected = token.ok ? authenticateClaims(authenticator, token.value) : undefined;
  const review = tokenText.ok ? await attempt(() => deps.reviewToken(tokenText.value)) : undefined;
  // No groups claim: a user in no group, or an app that emits none? Graph can tell.
  const oid = token.ok && typeof token.value.oid === 'string' ? token.value.oid : undefined;
  const graph = deps.graph;
  const directoryGroupCount =
    graph && oid && token.ok && token.value.groups === undefined && !hasGroupsOverage(token.value)
      ? await attempt(async () => (await memberGroupIds(graph, oid)).length)
      : undefined;

  deps.progress(`reading the RBAC of cluster "${cluster.name}"…`);
  const plan = await attempt(async () =>
    planRbac(
      access,
      { cluster: cluster.name, prune: true },
      { kube: deps.kube, graph: deps.graph, now: deps.now() },
    ),
  );
  const declared = new Set(
    plan.ok
      ? plan.value.plan.changes.flatMap((change) =>
          'desired' in change
            ? [
                bindingKey(
                  change.desired.kind,
                  change.desired.metadata.namespace,
                  change.desired.metadata.name,
                ),
              ]
            : [],
        )
      : [],
  );
  const risks = await attempt(async () => {
    const { snapshot } = await loadRbacFromCluster(deps.kube);
    const isDeclared = (binding: { kind: string; name: string; namespace?: string }) =>
      declared.has(
        bindingKey(
          binding.kind,
          binding.kind === 'RoleBinding' ? binding.namespace : undefined,
          binding.name,
        ),
      );
    return findRisks(snapshot, { defaults: bootstrapDefaults(), expected: isDeclared }).map((finding) => ({
      finding,
      declared: finding.binding !== undefined && isDeclared(finding.binding),
    }));
  });

  const jitRules = file.rules.filter((rule) => rule.jit && ruleAppliesTo(rule, cluster.name));
  const jitGroups = await attempt(async () => {
    if (jitRules.length === 0) return [];
    if (!graph)
      throw new KentraError('graph.request', 'checking jit rules needs Microsoft Graph', {
        hint: 'Sign in to Microsoft Graph with --graph-auth (docs/graph-auth.md), an identity with the PIM read permissions (docs/elevate.md).',
      });
    return jitGroupFacts(jitRules, graph);
  });

  const facts: VerifyFacts = {
    cluster: cluster.name,
    authenticator,
    usernamePrefix: file.identity.username.prefix,
    groupsPrefix: file.identity.groups.prefix,
    groupsClaim: file.identity.groups.claim,
    discovery: await discovery,
    token,
    expected,
    ...(directoryGroupCount ? { directoryGroupCount } : {}),
    review,
    plan: plan.ok ? gathered(plan.value.plan) : plan,
    risks,
    jitGroups,
  };
  const checks = runChecks(facts);
  return {
    cluster: cluster.name,
    passed: checks.every((check) => check.status !== 'fail'),
    checks,
    warnings: sharedAudienceWarnings(file),
  };
}
