/**
 * `kentra entra setup`: make the Entra app registrations of kentra.yaml what
 * it says, through Microsoft Graph. The apps: `app` for the clusters without
 * an environment, one app per environment (#14.7, domain/access/cluster-apps.ts),
 * and the optional web client as an app of its own. Each step reads first and
 * writes only what differs, so the whole run is idempotent and a run that
 * failed halfway is completed by the next one:
 *
 *   1. each cluster app: create, or PATCH the managed properties that drifted;
 *      its service principal, with assignment required (before any assignment,
 *      so a half-done run fails closed); the groups of the rules that reach its
 *      clusters (a 409 "already exists" counts as done)
 *   2. the web client: its app, service principal and credential; kentra's
 *      scope on exactly the cluster apps app.web.clusters reaches, each
 *      pre-authorizing it
 *   3. migration: the web client's redirect URIs and credentials an older
 *      setup put on the cluster app are removed from it (after 2, so the web
 *      client is never left without one)
 *   4. write the client IDs (app.clientId, clusters[].audience,
 *      app.web.clientId, policy.allowedClientApps) back into kentra.yaml,
 *      comments kept
 *
 * With dryRun every read still happens, no write is sent, and the writes that
 * would be sent are returned (method, path, body).
 */
import {
  assignmentsOf,
  explainDenied,
  isAlreadyAssigned,
  send,
  writes,
} from '../adapters/graph/applications.js';
import type { GraphClient } from '../adapters/graph/client.js';
import { type ClusterApp, clusterApps } from '../domain/access/cluster-apps.js';
import { addToAccessFileList, pinGroupId, setAccessFileField } from '../domain/access/edit.js';
import { invalidAccessFile } from '../domain/access/issues.js';
import { type AccessFile, type AccessRule, isExpired } from '../domain/access/model.js';
import type { ResolvedGroup } from '../domain/bindings/desired.js';
import { type FieldPath, formatPath } from '../domain/config-check/issues.js';
import {
  type DesiredRegistration,
  desiredClusterApp,
  desiredWebClient,
  grantsWebClient,
  webSecretName,
} from '../domain/entra-app/desired.js';
import type { FieldChange } from '../domain/entra-app/diff.js';
import { type AppRoleAssignment, defaultAccessRoleId } from '../domain/entra-app/registration.js';
import {
  type EnsuredApplication,
  ensureApplication,
  ensureCredential,
  ensureServicePrincipal,
  findApplication,
  type NewSecret,
  type PlannedRequest,
  removeWebCredentials,
  type Writer,
} from './entra-app-steps.js';
import { type EntraIo, openTenantGraph } from './entra-connect.js';
import { type LoadedAccessFile, loadAccessFile } from './load-access.js';
import { resolveGroups } from './resolve-groups.js';

export type { PlannedRequest } from './entra-app-steps.js';

export interface EntraSetupOptions {
  access: string;
  dryRun: boolean;
}

export interface GroupAssignment {
  group: string;
  id: string;
  status: 'assigned' | 'unchanged' | 'planned';
}

/** One app registration setup manages. */
export interface AppSetup {
  /** `cluster`: signs users in for `clusters`; `web`: the web client (app.web). */
  role: 'cluster' | 'web';
  environment?: string;
  /** The clusters whose tokens it issues (role cluster) or may request (role web). */
  clusters: string[];
  displayName: string;
  /** The client ID; a placeholder only in a dry run that would create the app. */
  appId: string;
  created: boolean;
  /** Managed properties of an existing app that differ from kentra.yaml (portal edits, old versions). */
  drift: FieldChange[];
  groups: GroupAssignment[];
  /** Assigned principals no rule names; kentra leaves them. */
  otherAssignments: { id: string; displayName: string; type: string }[];
}

export interface EntraSetupResult {
  dryRun: boolean;
  tenantId: string;
  apps: AppSetup[];
  /** The writes sent (or, in a dry run, that would be sent), in order. */
  requests: PlannedRequest[];
  /** A new client secret of the web client: shown once, never stored or logged by kentra. */
  secret?: NewSecret;
  /** Fields written into kentra.yaml (or that would be, in a dry run), e.g. `app.clientId <id>`. */
  written: string[];
  /** Rules whose group name was pinned to its object ID (rules[i].groupId). */
  pinned: { ruleIndex: number; id: string }[];
  /** What moved off a cluster app onto the web client's own app (#14.7 migration). */
  migrated: string[];
  changed: boolean;
  warnings: string[];
}

export async function entraSetup(options: EntraSetupOptions, io: EntraIo): Promise<EntraSetupResult> {
  const access = await loadAccessFile(options.access, io.files.readText);
  const { file } = access;
  const { graph, tenantId } = await openTenantGraph(access, io);
  const requests: PlannedRequest[] = [];
  const write: Writer = async <T>(request: Parameters<Writer>[0]): Promise<T | undefined> => {
    const { method, path, body, summary } = request;
    requests.push({ method, path, body, summary });
    io.progress(`${options.dryRun ? 'would ' : ''}${summary}`);
    return options.dryRun ? undefined : send<T>(graph, request);
  };
  const now = io.now();
  const web = file.app.web;
  const existingWeb = web
    ? await findApplication(graph, {
        displayName: web.name,
        clientId: web.clientId,
        field: 'app.web.clientId',
      })
    : undefined;
  const groups = await resolveRuleGroups(graph, access, now);

  // 1. The cluster apps; each pre-authorizes the web client already there when the file grants it.
  const apps: AppSetup[] = [];
  const ensured: { app: ClusterApp; desired: DesiredRegistration; state: EnsuredApplication }[] = [];
  for (const app of clusterApps(file)) {
    const desired = desiredClusterApp(file, app, now, existingWeb?.appId);
    const state = await ensureApplication(
      await findApplication(graph, referenceOf(file, app)),
      desired,
      write,
    );
    const { id: spId, isNew } = await ensureServicePrincipal(
      graph,
      io,
      state.application,
      state.created,
      desired,
      write,
    );
    const current = isNew ? [] : await assignmentsOf(graph, spId);
    const assigned = await assignGroups(
      desired,
      groups.byName,
      spId,
      state.application.displayName,
      current,
      write,
    );
    ensured.push({ app, desired, state });
    apps.push({
      role: 'cluster',
      ...(app.environment ? { environment: app.environment } : {}),
      clusters: app.clusters.map((cluster) => cluster.name),
      displayName: state.application.displayName,
      appId: state.application.appId,
      created: state.created,
      drift: state.drift,
      ...assigned,
    });
  }

  // 2. The web client, an app of its own, granted the clusters the file names.
  let secret: NewSecret | undefined;
  let webAppId: string | undefined;
  if (web) {
    const granted = ensured.filter(({ app }) => grantsWebClient(file, app));
    const desired = desiredWebClient(
      web,
      granted.map(({ state }) => state.application.appId),
    );
    const state = await ensureApplication(existingWeb, desired, write);
    await ensureServicePrincipal(graph, io, state.application, state.created, desired, write);
    secret = await ensureCredential(graph, desired.credential, state.application, state.created, write);
    webAppId = state.application.appId;
    // A web client made in this run: the cluster apps that grant it pre-authorize it now.
    if (!existingWeb)
      for (const { app, state: cluster } of granted) {
        const desiredWithWeb = desiredClusterApp(file, app, now, webAppId);
        cluster.application = (
          await ensureApplication(cluster.application, desiredWithWeb, write)
        ).application;
      }
    apps.push({
      role: 'web',
      clusters: web.clusters,
      displayName: state.application.displayName,
      appId: webAppId,
      created: state.created,
      drift: state.drift,
      groups: [],
      otherAssignments: [],
    });
  }

  // 3. Migration: no web client credential stays on a cluster app (its web redirect URIs went in 1).
  const migrated: string[] = [];
  for (const { state } of ensured) {
    const removed = await removeWebCredentials(
      graph,
      state.application,
      state.created,
      {
        secret: webSecretName,
        ...(web?.federatedCredential ? { federated: web.federatedCredential.name } : {}),
      },
      write,
    );
    migrated.push(...removed.map((what) => `${what} removed from ${state.application.displayName}`));
    const webUris = state.drift.find((change) => change.field === 'web.redirectUris');
    if (webUris && (webUris.current as string[]).length > 0)
      migrated.push(`web redirect URIs removed from ${state.application.displayName}`);
  }

  // 4. The IDs in kentra.yaml.
  const fields = writeBack(file, tenantId, ensured, webAppId);
  const pins = groups.pins;
  const written = [
    ...fields.map(({ path, value }) => `${formatPath(path)} ${value}`),
    ...pins.map((pin) => `rules[${pin.ruleIndex}].groupId ${pin.id}`),
  ];
  const known = fields.filter(({ value }) => !value.startsWith('{new-'));
  if (!options.dryRun && (known.length > 0 || pins.length > 0)) {
    let text = await io.files.readText(access.path);
    for (const { path, value, list } of known)
      text = list ? addToAccessFileList(text, path, value) : setAccessFileField(text, path, value);
    // Each group name is pinned to the object ID it resolved to: a later look-alike is refused.
    for (const pin of pins) text = pinGroupId(text, pin.ruleIndex, pin.id);
    await io.files.writeText(access.path, text);
    io.progress(`wrote ${written.join(', ')} into ${access.path}`);
  }
  return {
    dryRun: options.dryRun,
    tenantId,
    apps,
    requests,
    ...(secret ? { secret } : {}),
    written,
    pinned: pins,
    migrated,
    changed: requests.length > 0 || written.length > 0,
    warnings: access.warnings,
  };
}

function referenceOf(file: AccessFile, app: ClusterApp) {
  const index = file.clusters.indexOf(app.clusters[0] as (typeof file.clusters)[number]);
  return {
    displayName: app.displayName,
    ...(app.clientId ? { clientId: app.clientId } : {}),
    field: app.environment === undefined ? 'app.clientId' : `clusters[${index}].audience`,
  };
}

interface WriteBack {
  path: FieldPath;
  value: string;
  /** Added to a list rather than set. */
  list?: true;
}

/**
 * tenant.id (when it was kentra init's placeholder), each cluster app's client ID where the file
 * records it, the web client's, and the web client in policy.allowedClientApps when the file keeps
 * such a list and grants it clusters.
 */
function writeBack(
  file: AccessFile,
  tenantId: string,
  ensured: readonly { app: ClusterApp; state: EnsuredApplication }[],
  webAppId: string | undefined,
): WriteBack[] {
  const fields: WriteBack[] = [];
  const differs = (current: string | undefined, value: string) =>
    current?.toLowerCase() !== value.toLowerCase();
  if (file.tenant.id !== tenantId) fields.push({ path: ['tenant', 'id'], value: tenantId });
  for (const { app, state } of ensured) {
    const value = state.application.appId;
    if (app.environment === undefined) {
      if (differs(file.app.clientId, value)) fields.push({ path: ['app', 'clientId'], value });
      continue;
    }
    for (const cluster of app.clusters)
      if (differs(cluster.audience, value))
        fields.push({ path: ['clusters', file.clusters.indexOf(cluster), 'audience'], value });
  }
  const web = file.app.web;
  if (web && webAppId) {
    if (differs(web.clientId, webAppId)) fields.push({ path: ['app', 'web', 'clientId'], value: webAppId });
    const listed = file.policy.allowedClientApps;
    if (web.clusters.length > 0 && listed.length > 0 && !listed.includes(webAppId.toLowerCase()))
      fields.push({ path: ['policy', 'allowedClientApps'], value: webAppId, list: true });
  }
  return fields;
}

/**
 * The groups of the unexpired rules, each written name resolved once for all apps (by its first
 * rule, which is the one pinned); an unknown group stops setup before any write.
 */
async function resolveRuleGroups(graph: GraphClient, access: LoadedAccessFile, now: number) {
  const firsts = new Map<string, AccessRule>();
  for (const rule of access.file.rules)
    if (!isExpired(rule, now) && !firsts.has(rule.group.toLowerCase()))
      firsts.set(rule.group.toLowerCase(), rule);
  let resolved: Awaited<ReturnType<typeof resolveGroups>>;
  try {
    resolved = await resolveGroups([...firsts.values()], graph);
  } catch (error) {
    throw explainDenied(error, 'Group.Read.All', 'read groups');
  }
  if (resolved.issues.length > 0) throw invalidAccessFile(access.path, resolved.issues, access.locate);
  const byName = new Map<string, ResolvedGroup>();
  for (const [name, rule] of firsts) {
    const group = resolved.groups.get(rule.index);
    if (group) byName.set(name, group);
  }
  return { byName, pins: resolved.unpinned };
}

async function assignGroups(
  desired: DesiredRegistration,
  byName: ReadonlyMap<string, ResolvedGroup>,
  spId: string,
  appName: string,
  current: readonly AppRoleAssignment[],
  write: Writer,
): Promise<Pick<AppSetup, 'groups' | 'otherAssignments'>> {
  const assigned = new Set(current.map((item) => item.principalId.toLowerCase()));
  const groups: GroupAssignment[] = [];
  const wanted = new Set<string>();
  for (const { written } of desired.groups) {
    const group = byName.get(written.toLowerCase());
    if (!group || wanted.has(group.id)) continue;
    wanted.add(group.id);
    if (assigned.has(group.id)) {
      groups.push({ group: group.displayName, id: group.id, status: 'unchanged' });
      continue;
    }
    try {
      const done = await write(
        writes.assign(spId, group.id, defaultAccessRoleId, group.displayName, appName),
      );
      groups.push({ group: group.displayName, id: group.id, status: done ? 'assigned' : 'planned' });
    } catch (error) {
      // The assignment was made by an earlier run whose answer was lost: nothing to do.
      if (!isAlreadyAssigned(error)) throw error;
      groups.push({ group: group.displayName, id: group.id, status: 'unchanged' });
    }
  }
  const otherAssignments = current
    .filter((item) => !wanted.has(item.principalId.toLowerCase()))
    .map((item) => ({
      id: item.principalId,
      displayName: item.principalDisplayName,
      type: item.principalType,
    }));
  return { groups, otherAssignments };
}
