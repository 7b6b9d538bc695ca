/**
 * `kentra entra setup`: make the Entra app registration for the cluster what
 * kentra.yaml says, through Microsoft Graph. Each step reads first and writes
 * only what differs, so the whole run is idempotent and a run that failed
 * halfway is completed by the next one:
 *
 *   1. app registration: create, or PATCH the managed properties that drifted
 *   2. service principal: create; require assignment (before any assignment,
 *      so a half-done run fails closed: nobody gets a token yet)
 *   3. assign each group the rules name (a 409 "already exists" counts as done)
 *   4. the optional web client's secret or federated credential
 *   5. write the client ID back into kentra.yaml (comments kept)
 *
 * With dryRun every read still happens, no write is sent, and the writes that
 * would be sent are returned (method, path, body).
 */
import {
  applicationsByAppId,
  applicationsByName,
  assignmentsOf,
  explainDenied,
  federatedCredentialsOf,
  type GraphWrite,
  isAlreadyAssigned,
  send,
  servicePrincipalOf,
  writes,
} from '../adapters/graph/applications.js';
import { type GraphClient, GraphRequestError } from '../adapters/graph/client.js';
import { pinGroupId, setAccessFileField } from '../domain/access/edit.js';
import { invalidAccessFile } from '../domain/access/issues.js';
import type { AccessFile } from '../domain/access/model.js';
import { type DesiredRegistration, desiredRegistration } from '../domain/entra-app/desired.js';
import { diffApplication, type FieldChange } from '../domain/entra-app/diff.js';
import {
  type Application,
  type AppRoleAssignment,
  defaultAccessRoleId,
  type ServicePrincipal,
} from '../domain/entra-app/registration.js';
import { KentraError } from '../errors.js';
import { type EntraIo, openTenantGraph } from './entra-connect.js';
import { type LoadedAccessFile, loadAccessFile } from './load-access.js';
import { resolveGroups } from './resolve-groups.js';

export interface EntraSetupOptions {
  access: string;
  dryRun: boolean;
}

export interface PlannedRequest {
  method: string;
  path: string;
  body?: unknown;
  summary: string;
}

export interface GroupAssignment {
  group: string;
  id: string;
  status: 'assigned' | 'unchanged' | 'planned';
}

export interface EntraSetupResult {
  dryRun: boolean;
  tenantId: string;
  displayName: string;
  /** The client ID; undefined only in a dry run that would create the app. */
  appId: string | undefined;
  created: boolean;
  /** Managed properties of an existing app that differ from kentra.yaml (portal edits, old versions). */
  drift: FieldChange[];
  /** The writes sent (or, in a dry run, that would be sent), in order. */
  requests: PlannedRequest[];
  groups: GroupAssignment[];
  /** Assigned principals no rule names; kentra leaves them. */
  otherAssignments: { id: string; displayName: string; type: string }[];
  /** A new client secret: shown once, never stored or logged by kentra. */
  secret?: { keyId: string; displayName: string; endDateTime: string; secretText: string };
  /** kentra.yaml got tenant.id and/or app.clientId (or would, in a dry run). */
  fileUpdated: boolean;
  /** Rules whose group name was pinned to its object ID (rules[i].groupId). */
  pinned: { ruleIndex: number; id: string }[];
  changed: boolean;
  warnings: string[];
}

const placeholder = { id: '{new-application-id}', appId: '{new-app-id}', sp: '{new-service-principal-id}' };

export async function entraSetup(options: EntraSetupOptions, io: EntraIo): Promise<EntraSetupResult> {
  const access = await loadAccessFile(options.access, io.files.readText);
  const { file } = access;
  const { graph, tenantId } = await openTenantGraph(access, io);
  const desired = desiredRegistration(file, io.now());
  const requests: PlannedRequest[] = [];
  const write = async <T>(request: GraphWrite): Promise<T | undefined> => {
    requests.push({
      method: request.method,
      path: request.path,
      body: request.body,
      summary: request.summary,
    });
    io.progress(`${options.dryRun ? 'would ' : ''}${request.summary}`);
    return options.dryRun ? undefined : send<T>(graph, request);
  };

  // 1. The app registration.
  const existing = await findApplication(graph, file);
  let application = existing;
  let drift: FieldChange[] = [];
  if (!existing) {
    application = await write<Application>(writes.createApplication(desired.application));
  } else {
    const diff = diffApplication(desired.application, existing);
    drift = diff.changes;
    if (drift.length > 0) await write(writes.patchApplication(existing.id, diff.patch));
  }
  const appId = application?.appId;
  const applicationId = application?.id ?? placeholder.id;

  // 2. Its service principal, with assignment required.
  let servicePrincipal = appId ? await servicePrincipalOf(graph, appId) : undefined;
  if (!servicePrincipal)
    servicePrincipal = await untilReplicated(io, () =>
      write<ServicePrincipal>(writes.createServicePrincipal(appId ?? placeholder.appId)),
    );
  const spId = servicePrincipal?.id ?? placeholder.sp;
  if (!servicePrincipal?.appRoleAssignmentRequired)
    await write(writes.patchServicePrincipal(spId, desired.servicePrincipal));

  // 3. The groups the rules name.
  const current = servicePrincipal ? await assignmentsOf(graph, spId) : [];
  const { groups, otherAssignments, pins } = await assignGroups(
    graph,
    file,
    access,
    desired,
    spId,
    current,
    write,
  );

  // 4. The web client's credential.
  const secret = await ensureCredential(graph, desired, application, applicationId, write);

  // 5. The tenant and client IDs in kentra.yaml.
  const fields: [readonly string[], string][] = [];
  if (file.tenant.id !== tenantId) fields.push([['tenant', 'id'], tenantId]);
  if (file.app.clientId?.toLowerCase() !== (appId ?? '').toLowerCase() || !appId)
    fields.push([['app', 'clientId'], appId ?? placeholder.appId]);
  const fileUpdated = fields.length > 0;
  if ((fileUpdated || pins.length > 0) && !options.dryRun && appId) {
    let text = await io.files.readText(access.path);
    for (const [path, value] of fields) text = setAccessFileField(text, path, value);
    // Each group name is pinned to the object ID it resolved to: a later look-alike is refused.
    for (const pin of pins) text = pinGroupId(text, pin.ruleIndex, pin.id);
    await io.files.writeText(access.path, text);
    const written = [
      ...fields.map(([path, value]) => `${path.join('.')} ${value}`),
      ...pins.map((pin) => `rules[${pin.ruleIndex}].groupId ${pin.id}`),
    ];
    io.progress(`wrote ${written.join(', ')} into ${access.path}`);
  }
  return {
    dryRun: options.dryRun,
    tenantId,
    displayName: desired.application.displayName,
    appId,
    created: !existing,
    drift,
    requests,
    groups,
    otherAssignments,
    secret,
    fileUpdated,
    pinned: pins,
    changed: requests.length > 0 || fileUpdated || pins.length > 0,
    warnings: access.warnings,
  };
}

/**
 * Graph is eventually consistent: right after an app is created, creating its
 * service principal can fail with "does not reference a valid application
 * object" for some seconds. Wait and try again a few times (2, 4, 8, 16 s).
 */
async function untilReplicated<T>(io: EntraIo, create: () => Promise<T>): Promise<T> {
  const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      return await create();
    } catch (error) {
      const lagging =
        error instanceof GraphRequestError &&
        error.status === 400 &&
        /does not reference a valid application object/i.test(error.message);
      if (!lagging || attempt >= 4) throw error;
      const delayMs = 2000 * 2 ** attempt;
      io.progress(`the new app is not visible to Graph yet; retrying in ${delayMs / 1000}s`);
      await sleep(delayMs);
    }
  }
}

/** By client ID when the file has one (it must exist), else by display name (it must be unique). */
async function findApplication(graph: GraphClient, file: AccessFile): Promise<Application | undefined> {
  const { clientId, name } = file.app;
  if (clientId) {
    const [found] = await applicationsByAppId(graph, clientId);
    if (!found)
      throw new KentraError(
        'entra.app',
        `app.clientId ${clientId}: no app registration with this client ID in the tenant`,
        {
          hint: 'Remove app.clientId from kentra.yaml to let `kentra entra setup` create the app, or fix the ID (Entra admin center > App registrations).',
        },
      );
    return found;
  }
  const found = await applicationsByName(graph, name);
  if (found.length > 1)
    throw new KentraError(
      'entra.app',
      `${found.length} app registrations are named "${name}" (${found.map((app) => app.appId).join(', ')})`,
      {
        hint: 'Set app.clientId in kentra.yaml to the one kentra should manage, or give app.name a unique name.',
      },
    );
  return found[0];
}

async function assignGroups(
  graph: GraphClient,
  file: AccessFile,
  access: LoadedAccessFile,
  desired: DesiredRegistration,
  spId: string,
  current: readonly AppRoleAssignment[],
  write: <T>(request: GraphWrite) => Promise<T | undefined>,
) {
  const rules = desired.groups.flatMap(({ ruleIndex }) =>
    file.rules.filter((rule) => rule.index === ruleIndex),
  );
  let resolved: Awaited<ReturnType<typeof resolveGroups>>;
  try {
    resolved = await resolveGroups(rules, graph);
  } catch (error) {
    throw explainDenied(error, 'Group.Read.All', 'read groups');
  }
  if (resolved.issues.length > 0) throw invalidAccessFile(access.path, resolved.issues, access.locate);
  const assigned = new Set(current.map((item) => item.principalId.toLowerCase()));
  const groups: GroupAssignment[] = [];
  const wanted = new Set<string>();
  for (const rule of rules) {
    const group = resolved.groups.get(rule.index);
    if (!group || wanted.has(group.id)) continue;
    wanted.add(group.id);
    if (assigned.has(group.id)) {
      groups.push({ group: group.displayName, id: group.id, status: 'unchanged' });
      continue;
    }
    try {
      const done = await write(writes.assign(spId, group.id, defaultAccessRoleId, group.displayName));
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
  return { groups, otherAssignments, pins: resolved.unpinned };
}

async function ensureCredential(
  graph: GraphClient,
  desired: DesiredRegistration,
  application: Application | undefined,
  applicationId: string,
  write: <T>(request: GraphWrite) => Promise<T | undefined>,
): Promise<EntraSetupResult['secret']> {
  const wanted = desired.credential;
  if (wanted.kind === 'secret') {
    if (application?.passwordCredentials?.some((item) => item.displayName === wanted.displayName))
      return undefined;
    const created = await write<{ keyId: string; endDateTime: string; secretText: string }>(
      writes.addPassword(applicationId, wanted.displayName),
    );
    return created
      ? {
          keyId: created.keyId,
          displayName: wanted.displayName,
          endDateTime: created.endDateTime,
          secretText: created.secretText,
        }
      : undefined;
  }
  if (wanted.kind === 'federated') {
    const existing = application ? await federatedCredentialsOf(graph, applicationId) : [];
    if (!existing.some((item) => item.name === wanted.federated.name))
      await write(writes.addFederatedCredential(applicationId, wanted.federated));
  }
  return undefined;
}
