/**
 * The commented starter file `kentra init` writes. Every field is shown with
 * its default and why it is there; the result validates as it stands.
 */
import { defaultAuthority, defaultGraph } from '../entra/clouds.js';
import { accessFileApiVersion } from './schema.js';

export interface StarterOptions {
  tenantId?: string;
  clientId?: string;
  clusterName?: string;
  clusterKind?: string;
  server?: string;
  authority?: string;
  graph?: string;
}

/** The tenant ID of a starter file written without --tenant; `kentra entra setup` fills it in. */
export const placeholderTenant = '00000000-0000-0000-0000-000000000000';

export function starterAccessFile(options: StarterOptions = {}): string {
  const tenant = options.tenantId ?? placeholderTenant;
  const lines = [
    '# kentra access file: who may do what on which Kubernetes cluster, through Microsoft Entra ID.',
    '# Reference: docs/access-file.md; JSON Schema: schema/kentra.schema.json (in the kentra package).',
    '# Check it without changing anything: kentra rbac plan',
    `apiVersion: ${accessFileApiVersion}`,
    'kind: Access',
    '',
    'tenant:',
    `  id: ${tenant}${options.tenantId ? '' : '   # your Entra tenant (directory) ID'}`,
    ...(options.authority
      ? [`  authority: ${options.authority}`]
      : [`  # authority: ${defaultAuthority}   # sign-in host (the emulator URL in tests)`]),
    ...(options.graph
      ? [`  graph: ${options.graph}`]
      : [`  # graph: ${defaultGraph}              # Microsoft Graph base URL`]),
    '',
    'app:',
    '  name: kentra                      # display name of the Entra app registration',
    options.clientId
      ? `  clientId: ${options.clientId}`
      : "  # clientId:                      # written here by `kentra entra setup`; the tokens' audience",
    '  tokenVersion: 2                   # access tokens the app accepts (2: issuer .../v2.0)',
    '',
    'clusters:',
    `  - name: ${options.clusterName ?? 'dev'}`,
    `    kind: ${options.clusterKind ?? 'self-managed'}            # self-managed | kind | eks | aks`,
    ...(options.server ? [`    server: ${options.server}`] : ['    # server: https://dev.example.com:6443']),
    '    kubernetesVersion: "1.34"       # quoted; >= 1.34 gets apiserver.config.k8s.io/v1, 1.30-1.33 v1beta1',
    '    # context: dev-admin            # kubeconfig context kentra uses for `kentra rbac apply`',
    '',
    '# How a token becomes a Kubernetes user. oid never changes and is the same for every app;',
    '# the prefixes keep Entra identities apart from every other kind of user.',
    'identity:',
    '  username: {claim: oid, prefix: "entra:"}',
    '  groups: {claim: groups, prefix: "entra:group:"}',
    '  extra: {keyDomain: kentra.dev, uti: true, sid: true}   # token and session ids in every audit event',
    '',
    '# Checked by the API server on every request (CEL claimValidationRules).',
    'policy:',
    '  denyGuests: true',
    '  # allowedTenants: [] # default: only the tenant above',
    '  # requireAuthenticationContext: c1   # Conditional Access authentication context (e.g. requires MFA)',
    '  maxTokenAge: 2h',
    '  groupOverage: reject             # more than 200 groups in a token: reject (or no-groups)',
    '',
    '# Entra group (display name or object ID) -> Kubernetes role. A user in no listed group gets nothing.',
    'rules:',
    '  - group: cluster-admins',
    '    clusterRole: cluster-admin',
    '  - group: developers',
    '    clusterRole: edit',
    '    namespaces: [default]',
    '  # - group: on-call',
    '  #   clusterRole: admin',
    '  #   namespaceSelector: {matchLabels: {team: payments}}',
    '  #   expires: 2026-12-31           # time-limited grant: removed at the first apply after this date',
    '',
  ];
  return lines.join('\n');
}
