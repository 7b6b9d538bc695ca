/**
 * `kentra entra check`: a read-only audit of an app registration (kentra's
 * own, found as `kentra entra setup` finds it, or any app by --app-id)
 * against what Kubernetes sign-in needs. For the file's own app it also
 * checks the token version the cluster expects and that every group the
 * rules name is assigned. Sends no write request.
 */

import {
  applicationsByAppId,
  applicationsByName,
  assignmentsOf,
  explainDenied,
  servicePrincipalOf,
} from '../adapters/graph/applications.js';
import type { GraphClient } from '../adapters/graph/client.js';
import { groupMemberIds } from '../adapters/graph/groups.js';
import { type AccessFile, type AccessRule, isAdminLikeRule, isExpired } from '../domain/access/model.js';
import type { ResolvedGroup } from '../domain/bindings/desired.js';
import { formatPath } from '../domain/config-check/issues.js';
import { checkRegistration, type Finding, type StandingAdmin } from '../domain/entra-app/findings.js';
import { previewGrants } from '../domain/pim/grant-preview.js';
import { aggregatedBootstrapDefaults } from '../domain/rbac/bootstrap-defaults.js';
import { everything } from '../domain/rbac/capabilities.js';
import { KentraError } from '../errors.js';
import { type EntraIo, openTenantGraph } from './entra-connect.js';
import { groupPimState } from './jit-groups.js';
import { loadAccessFile } from './load-access.js';
import { resolveGroups } from './resolve-groups.js';

export interface EntraCheckOptions {
  access: string;
  /** Check this app instead of the file's. */
  appId?: string;
  /** Scopes the sign-in client requests (e.g. kubelogin's --oidc-extra-scope). */
  scopes: string[];
}

export interface EntraCheckResult {
  tenantId: string;
  appId: string;
  displayName: string;
  /** Whether the app is the one kentra.yaml describes (then groups and token version are checked too). */
  fromAccessFile: boolean;
  findings: Finding[];
  errors: number;
  warnings: number;
}

export async function entraCheck(options: EntraCheckOptions, io: EntraIo): Promise<EntraCheckResult> {
  const access = await loadAccessFile(options.access, io.files.readText);
  const { file } = access;
  const { graph, tenantId } = await openTenantGraph(access, io);
  const appId = options.appId ?? file.app.clientId;
  const found = appId
    ? await applicationsByAppId(graph, appId)
    : await applicationsByName(graph, file.app.name);
  const [application] = found;
  if (!application || found.length > 1)
    throw new KentraError(
      'entra.app',
      application
        ? `${found.length} app registrations are named "${file.app.name}"; say which with --app-id`
        : `no app registration ${appId ? `with client ID ${appId}` : `named "${file.app.name}"`} in tenant ${tenantId}`,
      { hint: 'Pass --app-id <client ID>, or create the app with `kentra entra setup`.' },
    );
  const fromAccessFile = !options.appId || options.appId.toLowerCase() === file.app.clientId?.toLowerCase();
  const servicePrincipal = await servicePrincipalOf(graph, application.appId);
  const assignments = servicePrincipal ? await assignmentsOf(graph, servicePrincipal.id) : [];
  let expectedGroups: { id: string; name: string }[] | undefined;
  let unknownGroups: { field: string; message: string }[] | undefined;
  let adminGroups: { field: string; name: string; isAssignableToRole: boolean | undefined }[] | undefined;
  let standingAdmins: StandingAdmin[] | undefined;
  if (fromAccessFile) {
    const rules = file.rules.filter((rule) => !isExpired(rule, io.now()));
    let resolved: Awaited<ReturnType<typeof resolveGroups>>;
    try {
      resolved = await resolveGroups(rules, graph);
    } catch (error) {
      throw explainDenied(error, 'Group.Read.All', 'read groups');
    }
    const byId = new Map([...resolved.groups.values()].map((group) => [group.id, group.displayName]));
    expectedGroups = [...byId].map(([id, name]) => ({ id, name }));
    unknownGroups = resolved.issues.map((issue) => ({
      field: formatPath(issue.path),
      message: issue.message,
    }));
    adminGroups = rules.filter(isAdminLikeRule).flatMap((rule) => {
      const group = resolved.groups.get(rule.index);
      return group
        ? [
            {
              field: formatPath(['rules', rule.index, 'group']),
              name: group.displayName,
              isAssignableToRole: group.isAssignableToRole,
            },
          ]
        : [];
    });
    standingAdmins = await standingAdminsOf(file, rules, resolved.groups, graph, io.now());
  }
  const findings = checkRegistration({
    application,
    servicePrincipal,
    assignments,
    expectedTokenVersion: fromAccessFile ? file.app.tokenVersion : undefined,
    requestedScopes: options.scopes,
    expectedGroups,
    unknownGroups,
    adminGroups,
    standingAdmins,
    now: io.now(),
  });
  return {
    tenantId,
    appId: application.appId,
    displayName: application.displayName,
    fromAccessFile,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
  };
}

/**
 * Rules whose role allows every verb on every resource (cluster-admin, or a
 * role with `*` everywhere; judged by the offline evaluator against the
 * bootstrap roles) and the permanent members of their groups: PIM's
 * `assigned` members, or, when PIM cannot be read, every member.
 */
async function standingAdminsOf(
  file: AccessFile,
  rules: readonly AccessRule[],
  groups: ReadonlyMap<number, ResolvedGroup>,
  graph: GraphClient,
  now: number,
): Promise<StandingAdmin[]> {
  const roles = aggregatedBootstrapDefaults();
  const out: StandingAdmin[] = [];
  for (const rule of rules) {
    const group = groups.get(rule.index);
    if (!group) continue;
    const only = { ...file, rules: [rule] };
    const admin = previewGrants(only, group, roles, now)
      .flatMap((cluster) => cluster.grants)
      .find((grant) => grant.can.includes(everything.label));
    if (!admin) continue;
    let permanent: string[];
    let approximate = false;
    try {
      permanent = (await groupPimState(graph, group.id)).permanentMembers;
    } catch {
      approximate = true;
      permanent = await groupMemberIds(graph, group.id);
    }
    out.push({
      field: `rules[${rule.index}]`,
      group: group.displayName,
      grant: `${admin.role} ${admin.scope}`,
      permanentMembers: permanent.length,
      approximate,
    });
  }
  return out;
}
