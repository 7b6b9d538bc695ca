/**
 * Builders for audit events and sign-ins in the shapes kube-apiserver and
 * Microsoft Graph write them; each test overrides only what it is about.
 */
import { defaultClaimMappings } from '../../../../src/domain/audit/claim-mappings.js';
import { defaultJoinOptions } from '../../../../src/domain/audit/join.js';
import type { K8sAuditEvent } from '../../../../src/domain/audit/k8s-event.js';
import type { SignIn } from '../../../../src/domain/audit/sign-in.js';
import { SignInIndex } from '../../../../src/domain/audit/sign-in-index.js';
import type { TrailContext } from '../../../../src/domain/audit/trail-record.js';

export const bobOid = '11111111-1111-4111-8111-111111111111';
export const devGroupOid = '22222222-2222-4222-8222-222222222222';

export function auditEvent(overrides: Partial<K8sAuditEvent> = {}): K8sAuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'a0e6e7c4-0000-4000-8000-000000000001',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/team-a/pods/web-1',
    verb: 'get',
    user: {
      username: `entra:${bobOid}`,
      groups: [`entra:${devGroupOid}`, 'system:authenticated'],
      extra: { 'kentra.dev/uti': ['uti-bob-1'], 'kentra.dev/sid': ['sid-bob'] },
    },
    sourceIPs: ['203.0.113.7'],
    userAgent: 'kubectl/v1.36.3 (linux/amd64)',
    objectRef: { resource: 'pods', namespace: 'team-a', name: 'web-1', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-29T04:10:00.000000Z',
    stageTimestamp: '2026-11-29T04:10:00.004000Z',
    annotations: {
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': `RBAC: allowed by RoleBinding "developers/team-a" of ClusterRole "edit" to Group "entra:${devGroupOid}"`,
    },
    ...overrides,
  };
}

export function signIn(overrides: Partial<SignIn> = {}): SignIn {
  return {
    id: 'signin-bob-1',
    createdDateTime: '2026-11-29T04:05:00Z',
    userId: bobOid,
    userPrincipalName: 'bob@contoso.example',
    userDisplayName: 'Bob Builder',
    userType: 'member',
    appId: 'aaaaaaaa-0000-4000-8000-00000000c1d0',
    appDisplayName: 'kentra',
    ipAddress: '203.0.113.7',
    clientAppUsed: 'Mobile Apps and Desktop clients',
    conditionalAccessStatus: 'success',
    isInteractive: true,
    authenticationRequirement: 'multiFactorAuthentication',
    resourceDisplayName: 'kentra cluster',
    resourceId: 'res-cluster',
    resourceTenantId: 'tenant-1',
    uniqueTokenIdentifier: 'uti-bob-1',
    sessionId: 'sid-bob',
    status: { errorCode: 0 },
    deviceDetail: { displayName: 'bob-laptop', operatingSystem: 'Linux', isCompliant: true },
    location: { city: 'Oslo', state: 'Oslo', countryOrRegion: 'NO' },
    ...overrides,
  };
}

export function signInIndex(...signIns: SignIn[]): SignInIndex {
  const index = new SignInIndex();
  for (const entry of signIns) index.add(entry);
  return index;
}

/** kentra's default mappings over these sign-ins; the developers group has a known name. */
export function trailContext(...signIns: SignIn[]): TrailContext {
  return {
    index: signInIndex(...signIns),
    mappings: defaultClaimMappings,
    join: defaultJoinOptions,
    groupName: (id) => (id === devGroupOid ? 'developers' : undefined),
  };
}

/** A directory audit: bob added to developers by alice (Graph's shape for "Add member to group"). */
export function groupAddAudit(): Record<string, unknown> {
  return {
    id: 'd1',
    activityDisplayName: 'Add member to group',
    activityDateTime: '2026-11-29T04:00:00Z',
    result: 'success',
    initiatedBy: { user: { userPrincipalName: 'alice@contoso.example' } },
    targetResources: [
      { id: bobOid, type: 'User', userPrincipalName: 'bob@contoso.example' },
      { id: devGroupOid, type: 'Group', displayName: 'developers' },
    ],
  };
}
