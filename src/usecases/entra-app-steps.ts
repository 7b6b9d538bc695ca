/**
 * The read-then-write steps `kentra entra setup` takes for one app
 * registration, each idempotent: find it, create it or PATCH what drifted,
 * its service principal, its credential, and the removal of credentials a
 * cluster app must not hold. Writes go through `Writer`, which records them
 * (a dry run records and sends nothing), so a dry run prints exactly what a
 * real run sends.
 */
import {
  applicationsByAppId,
  applicationsByName,
  federatedCredentialsOf,
  type GraphWrite,
  servicePrincipalOf,
  writes,
} from '../adapters/graph/applications.js';
import { type GraphClient, GraphRequestError } from '../adapters/graph/client.js';
import type { DesiredCredential, DesiredRegistration } from '../domain/entra-app/desired.js';
import { diffApplication, type FieldChange, patchedApplication } from '../domain/entra-app/diff.js';
import type { Application, ServicePrincipal } from '../domain/entra-app/registration.js';
import { KentraError } from '../errors.js';
import type { EntraIo } from './entra-connect.js';

export interface PlannedRequest {
  method: string;
  path: string;
  body?: unknown;
  summary: string;
}

/** Sends (or, in a dry run, only records) one write; returns Graph's answer, undefined in a dry run. */
export type Writer = <T>(request: GraphWrite) => Promise<T | undefined>;

/** IDs of an app a dry run would create, as the requests name them. */
export function placeholders(displayName: string) {
  return {
    id: `{new-application-id:${displayName}}`,
    appId: `{new-app-id:${displayName}}`,
    sp: `{new-service-principal-id:${displayName}}`,
  };
}

/** How the access file names an app: a recorded client ID (which must exist), else a display name (which must be unique). */
export interface AppReference {
  displayName: string;
  clientId?: string;
  /** The field that records the client ID, for messages (`app.clientId`). */
  field: string;
}

export async function findApplication(
  graph: GraphClient,
  reference: AppReference,
): Promise<Application | undefined> {
  const { clientId, displayName, field } = reference;
  if (clientId) {
    const [found] = await applicationsByAppId(graph, clientId);
    if (!found)
      throw new KentraError(
        'entra.app',
        `${field} ${clientId}: no app registration with this client ID in the tenant`,
        {
          hint: `Remove ${field} from kentra.yaml to let \`kentra entra setup\` create the app, or fix the ID (Entra admin center > App registrations).`,
        },
      );
    return found;
  }
  const found = await applicationsByName(graph, displayName);
  if (found.length > 1)
    throw new KentraError(
      'entra.app',
      `${found.length} app registrations are named "${displayName}" (${found.map((app) => app.appId).join(', ')})`,
      {
        hint: `Set ${field} in kentra.yaml to the one kentra should manage, or give it a unique name.`,
      },
    );
  return found[0];
}

export interface EnsuredApplication {
  /** The app as it is after this step (in a dry run: as it would be; new IDs are placeholders). */
  application: Application;
  created: boolean;
  drift: FieldChange[];
}

/**
 * Creates the app, or PATCHes the managed properties that drifted. A new app is created with
 * the managed properties and then PATCHed with what needs its client ID (the identifier URI
 * api://<appId> of an exposed scope).
 */
export async function ensureApplication(
  existing: Application | undefined,
  desired: DesiredRegistration,
  write: Writer,
): Promise<EnsuredApplication> {
  let current = existing;
  if (!current) {
    const created = await write<Application>(writes.createApplication(desired.application));
    const ids = placeholders(desired.application.displayName);
    // The new app is what was sent (Graph keeps every managed property as given), with its IDs.
    current = asCreated(desired, created?.id ?? ids.id, created?.appId ?? ids.appId);
  }
  const { changes, patch } = diffApplication(desired.application, current, desired.grants);
  if (Object.keys(patch).length > 0) {
    await write(writes.patchApplication(current.id, patch, desired.application.displayName));
    current = patchedApplication(current, patch);
  }
  return { application: current, created: !existing, drift: existing ? changes : [] };
}

/** What Graph answers for a create body (the properties kentra did not set at their defaults). */
function asCreated(desired: DesiredRegistration, id: string, appId: string): Application {
  const body = desired.application;
  return {
    id,
    appId,
    displayName: body.displayName,
    signInAudience: body.signInAudience,
    isFallbackPublicClient: body.isFallbackPublicClient ?? false,
    groupMembershipClaims: body.groupMembershipClaims ?? null,
    optionalClaims: body.optionalClaims ?? null,
    identifierUris: [],
    api: { requestedAccessTokenVersion: body.api?.requestedAccessTokenVersion ?? null },
    publicClient: body.publicClient ?? { redirectUris: [] },
    spa: body.spa ?? { redirectUris: [] },
    web: body.web,
    requiredResourceAccess: body.requiredResourceAccess,
    passwordCredentials: [],
  };
}

/**
 * The app's service principal (created when missing) and, for a cluster app, "assignment
 * required" (set before any group is assigned, so a half-done run fails closed).
 */
export async function ensureServicePrincipal(
  graph: GraphClient,
  io: EntraIo,
  application: Application,
  created: boolean,
  desired: DesiredRegistration,
  write: Writer,
): Promise<{ servicePrincipal: ServicePrincipal | undefined; id: string; isNew: boolean }> {
  let servicePrincipal = created ? undefined : await servicePrincipalOf(graph, application.appId);
  const isNew = !servicePrincipal;
  if (!servicePrincipal)
    servicePrincipal = await untilReplicated(io, () =>
      write<ServicePrincipal>(writes.createServicePrincipal(application.appId, application.displayName)),
    );
  const id = servicePrincipal?.id ?? placeholders(application.displayName).sp;
  if (desired.servicePrincipal && !servicePrincipal?.appRoleAssignmentRequired)
    await write(writes.patchServicePrincipal(id, desired.servicePrincipal));
  return { servicePrincipal, id, isNew };
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

export interface NewSecret {
  keyId: string;
  displayName: string;
  endDateTime: string;
  secretText: string;
}

/** The web client's secret (added once, by name) or federated credential (added once, by name). */
export async function ensureCredential(
  graph: GraphClient,
  wanted: DesiredCredential,
  application: Application,
  created: boolean,
  write: Writer,
): Promise<NewSecret | undefined> {
  if (wanted.kind === 'secret') {
    if (application.passwordCredentials?.some((item) => item.displayName === wanted.displayName))
      return undefined;
    const added = await write<{ keyId: string; endDateTime: string; secretText: string }>(
      writes.addPassword(application.id, wanted.displayName),
    );
    return added && { ...added, displayName: wanted.displayName };
  }
  if (wanted.kind === 'federated') {
    const existing = created ? [] : await federatedCredentialsOf(graph, application.id);
    if (!existing.some((item) => item.name === wanted.federated.name))
      await write(writes.addFederatedCredential(application.id, wanted.federated));
  }
  return undefined;
}

/**
 * Migration (#14.7): the credentials an older `kentra entra setup` put on the cluster app for
 * app.web (the `kentra-web` secret, the federated credential of app.web's name) are removed once
 * the web client has an app of its own. Credentials kentra did not make are reported by
 * `kentra entra check` and left alone.
 */
export async function removeWebCredentials(
  graph: GraphClient,
  application: Application,
  created: boolean,
  names: { secret: string; federated?: string },
  write: Writer,
): Promise<string[]> {
  const removed: string[] = [];
  for (const secret of application.passwordCredentials ?? [])
    if (secret.displayName === names.secret) {
      await write(writes.removePassword(application.id, secret.keyId, secret.displayName));
      removed.push(`client secret ${secret.displayName}`);
    }
  if (names.federated && !created)
    for (const credential of await federatedCredentialsOf(graph, application.id))
      if (credential.name === names.federated && credential.id) {
        await write(writes.removeFederatedCredential(application.id, credential.id, credential.name));
        removed.push(`federated credential ${credential.name}`);
      }
  return removed;
}
