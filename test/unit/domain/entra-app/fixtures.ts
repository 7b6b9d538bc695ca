import { clusterApps } from '../../../../src/domain/access/cluster-apps.js';
import type { AccessFile } from '../../../../src/domain/access/model.js';
import { parseAccessFile } from '../../../../src/domain/access/parse.js';
import { type DesiredRegistration, desiredClusterApp } from '../../../../src/domain/entra-app/desired.js';
import type { Application } from '../../../../src/domain/entra-app/registration.js';

/** A valid access file, parsed, with `change` applied to the raw YAML object first. */
// biome-ignore-start lint/suspicious/noExplicitAny: a test edits arbitrary YAML fields
type Raw = Record<string, any>;
// biome-ignore-end lint/suspicious/noExplicitAny: a test edits arbitrary YAML fields

export function accessFile(change: (raw: Raw) => void = () => {}): AccessFile {
  const raw: Raw = {
    apiVersion: 'kentra.dev/v1alpha1',
    kind: 'Access',
    tenant: { id: '7d3b8a4e-1f2c-4b5d-9e6f-0a1b2c3d4e5f' },
    app: { name: 'kentra-prod' },
    clusters: [{ name: 'prod' }],
    rules: [
      { group: 'platform-admins', clusterRole: 'cluster-admin' },
      { group: 'developers', clusterRole: 'edit', namespaces: ['default'] },
      { group: 'Developers', clusterRole: 'view' },
      { group: 'contractors', clusterRole: 'view', expires: '2020-01-01' },
    ],
  };
  change(raw);
  const parsed = parseAccessFile(raw);
  if (!parsed.file) throw new Error(JSON.stringify(parsed.issues));
  return parsed.file;
}

/** An application as Graph returns it after `kentra entra setup` (v2, SecurityGroup, loopback, sid). */
export function graphApplication(overrides: Partial<Application> = {}): Application {
  const sid = { name: 'sid', source: null, essential: false, additionalProperties: [] };
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    appId: 'b0000000-0000-4000-8000-000000000002',
    displayName: 'kentra-prod',
    signInAudience: 'AzureADMyOrg',
    isFallbackPublicClient: true,
    groupMembershipClaims: 'SecurityGroup',
    optionalClaims: { idToken: [sid], accessToken: [sid], saml2Token: [] },
    api: { requestedAccessTokenVersion: 2 },
    publicClient: { redirectUris: ['http://localhost'] },
    spa: { redirectUris: [] },
    web: {
      redirectUris: [],
      implicitGrantSettings: { enableAccessTokenIssuance: false, enableIdTokenIssuance: false },
    },
    requiredResourceAccess: [
      {
        resourceAppId: '00000003-0000-0000-c000-000000000000',
        // Graph's order and upper case differ from kentra's: compared as sets.
        resourceAccess: [
          { id: 'E1FE6DD8-BA31-4D61-89E7-88639DA4683D', type: 'Scope' },
          { id: '7427e0e9-2fba-42fe-b0c0-848c9e6a8182', type: 'Scope' },
          { id: '14dad69e-099b-42c9-810b-d002981feec1', type: 'Scope' },
          { id: '37f7f235-527c-4136-accd-4a02d197296e', type: 'Scope' },
        ],
      },
    ],
    passwordCredentials: [],
    ...overrides,
  };
}

/** The desired registration of the file's first cluster app. */
export function desiredFor(file: AccessFile, webClientId?: string, now = 0): DesiredRegistration {
  const [app] = clusterApps(file);
  if (!app) throw new Error('no cluster app');
  return desiredClusterApp(file, app, now, webClientId);
}
