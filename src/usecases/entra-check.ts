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
  federatedCredentialsOf,
  servicePrincipalOf,
} from '../adapters/graph/applications.js';
import type { GraphClient } from '../adapters/graph/client.js';
import { groupMemberIds } from '../adapters/graph/groups.js';
import { clusterApps, rulesFor } from '../domain/access/cluster-apps.js';
import { type AccessFile, type AccessRule, isAdminLikeRule, isExpired } from '../domain/access/model.js';
import type { ResolvedGroup } from '../domain/bindings/desired.js';
import { formatPath } from '../domain/config-check/issues.js';
import {
  type CheckInput,
  checkRegistration,
  checkWebClient,
  type Finding,
  type StandingAdmin,
} from '../domain/entra-app/findings.js';
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
  /** Whether the app is one kentra.yaml describes (then groups and token version are checked too). */
  fromAccessFile: boolean;
  findings: Finding[];
  /** The file's other app registrations: the environments' apps and the web client (app.web). */
  others: AppCheck[];
  /** Over every app checked. */
  errors: number;
  warnings: number;
}

export interface AppCheck {
  role: 'cluster' | 'web';
  environment?: string;
  appId: string;
  displayName: string;
  findings: Finding[];
}

export async function entraCheck(options: EntraCheckOptions, io: EntraIo): Promise<EntraCheckResult> {
  const access = await loadAccessFile(options.access, io.files.readText);
  const { file } = access;
  const { graph, tenantId } = await openTenantGraph(access, io);
  const fromAccessFile = !options.appId || options.appId.toLowerCase() === file.app.clientId?.toLowerCase();
  const [first, ...rest] = fromAccessFile
    ? clusterApps(file)
    : [{ displayName: options.appId ?? '', clientId: options.appId, clusters: [], clientIdFields: [] }];
  const checked: AppCheck[] = [];
  let fileFindings: Pick<CheckInput, 'unknownGroups' | 'adminGroups' | 'standingAdmins'> = {};
  let byName = new Map<string, string>();
  if (fromAccessFile) ({ fileFindings, byName } = await fileGroups(graph, file, io.now()));
  for (const [index, app] of [first, ...rest].entries()) {
    if (!app) continue;
    const application = await findOne(graph, app.clientId, app.displayName, tenantId);
    const servicePrincipal = await servicePrincipalOf(graph, application.appId);
    const assignments = servicePrincipal ? await assignmentsOf(graph, servicePrincipal.id) : [];
    const expectedGroups = fromAccessFile
      ? [
          ...new Map(
            rulesFor(file, app, io.now()).flatMap((rule) => {
              const id = byName.get(rule.group.toLowerCase());
              return id ? [[id, rule.group] as const] : [];
            }),
          ),
        ].map(([id, name]) => ({ id, name }))
      : undefined;
    const findings = checkRegistration({
      application,
      servicePrincipal,
      assignments,
      expectedTokenVersion: fromAccessFile ? file.app.tokenVersion : undefined,
      requestedScopes: options.scopes,
      expectedGroups,
      federatedCredentials: await federatedCredentialsOf(graph, application.id),
      // Findings about the file's rules are named once, with the first app.
      ...(index === 0 ? fileFindings : {}),
      now: io.now(),
    });
    checked.push({
      role: 'cluster',
      ...(app.environment ? { environment: app.environment } : {}),
      appId: application.appId,
      displayName: application.displayName,
      findings,
    });
  }
  const web = file.app.web;
  if (fromAccessFile && web) {
    const application = await findOne(graph, web.clientId, web.name, tenantId);
    checked.push({
      role: 'web',
      appId: application.appId,
      displayName: application.displayName,
      findings: checkWebClient({
        application,
        allowedClientApps: file.policy.allowedClientApps,
        grantedClusters: web.clusters,
        now: io.now(),
      }),
    });
  }
  const [main, ...others] = checked as [AppCheck, ...AppCheck[]];
  const all = checked.flatMap((app) => app.findings);
  return {
    tenantId,
    appId: main.appId,
    displayName: main.displayName,
    fromAccessFile,
    findings: main.findings,
    others,
    errors: all.filter((finding) => finding.severity === 'error').length,
    warnings: all.filter((finding) => finding.severity === 'warning').length,
  };
}

/** An app by client ID, else by display name (which must be unique). */
async function findOne(graph: GraphClient, appId: string | undefined, name: string, tenantId: string) {
  const found = appId ? await applicationsByAppId(graph, appId) : await applicationsByName(graph, name);
  const [application] = found;
  if (!application || found.length > 1)
    throw new KentraError(
      'entra.app',
      application
        ? `${found.length} app registrations are named "${name}"; say which with --app-id`
        : `no app registration ${appId ? `with client ID ${appId}` : `named "${name}"`} in tenant ${tenantId}`,
      { hint: 'Pass --app-id <client ID>, or create the app with `kentra entra setup`.' },
    );
  return application;
}

/** The rules' groups, resolved once: unknown names, admin groups, and name -> object ID. */
async function fileGroups(graph: GraphClient, file: AccessFile, now: number) {
  const rules = file.rules.filter((rule) => !isExpired(rule, now));
  let resolved: Awaited<ReturnType<typeof resolveGroups>>;
  try {
    resolved = await resolveGroups(rules, graph);
  } catch (error) {
    throw explainDenied(error, 'Group.Read.All', 'read groups');
  }
  const byName = new Map<string, string>();
  for (const rule of rules) {
    const group = resolved.groups.get(rule.index);
    if (group && !byName.has(rule.group.toLowerCase())) byName.set(rule.group.toLowerCase(), group.id);
  }
  const unknownGroups = resolved.issues.map((issue) => ({
    field: formatPath(issue.path),
    message: issue.message,
  }));
  const adminGroups = rules.filter(isAdminLikeRule).flatMap((rule) => {
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
  const standingAdmins = await standingAdminsOf(file, rules, resolved.groups, graph, now);
  return { fileFindings: { unknownGroups, adminGroups, standingAdmins }, byName };
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
