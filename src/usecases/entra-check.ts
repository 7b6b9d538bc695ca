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
import { isAdminLikeRule, isExpired } from '../domain/access/model.js';
import { formatPath } from '../domain/config-check/issues.js';
import { checkRegistration, type Finding } from '../domain/entra-app/findings.js';
import { KentraError } from '../errors.js';
import { type EntraIo, openTenantGraph } from './entra-connect.js';
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
