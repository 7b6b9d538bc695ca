/**
 * The JSON Schema of kentra.yaml. This constant drives kentra's own
 * structural validation (domain/config-check) and is published as
 * schema/kentra.schema.json for editors (a unit test keeps the two equal).
 * Rules that a schema cannot say well (one of role/clusterRole, groups that
 * exist in Entra, namespaces that exist) are checked in parse.ts and the
 * use cases.
 */
import type { JsonSchema } from '../config-check/json-schema.js';
import { defaultAuthority, defaultGraph } from '../entra/clouds.js';
import { usernameClaims } from '../identity/mapping.js';

const guid = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const https = '^https://[^\\s?#]+$';
const dnsLabel = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** An IPv4 CIDR (prefix 0-32) or an IPv6 one (prefix 0-128; the webhook checks the address strictly). */
const cidr =
  '^((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])/(3[0-2]|[12]?[0-9])$|^[0-9a-fA-F:.]*:[0-9a-fA-F:.]*/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$';

export const accessFileApiVersion = 'kentra.dev/v1alpha1';
export const clusterKinds = ['self-managed', 'kind', 'eks', 'aks'] as const;
export const groupMembershipClaims = ['SecurityGroup', 'All', 'ApplicationGroup', 'DirectoryRole'] as const;

export const accessFileSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'kentra access file (kentra.yaml)',
  description: 'Entra tenant, app, clusters, identity mapping, policy and group-to-role rules for kentra.',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'tenant', 'clusters', 'rules'],
  properties: {
    apiVersion: { enum: [accessFileApiVersion] },
    kind: { enum: ['Access'] },
    name: {
      type: 'string',
      pattern: dnsLabel,
      description:
        'Name of this access file (default kentra). kentra labels its bindings with it and prunes only bindings with the same name, so several files can share a cluster.',
    },
    tenant: {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string', pattern: guid, description: 'Entra tenant (directory) ID.' },
        authority: {
          type: 'string',
          pattern: https,
          description: `Sign-in host; default ${defaultAuthority} (the emulator URL in tests).`,
        },
        graph: {
          type: 'string',
          pattern: https,
          description: `Microsoft Graph base URL; default ${defaultGraph} (the authority's cloud's Graph).`,
        },
        issuer: {
          type: 'string',
          pattern: https,
          description: 'Token issuer; default derived from authority, tenant and app.tokenVersion.',
        },
        certificateAuthorityFile: {
          type: 'string',
          minLength: 1,
          description: "PEM file the API server uses to trust the issuer's TLS (the emulator's CA).",
        },
      },
    },
    app: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1, description: 'Display name of the Entra app registration.' },
        clientId: {
          type: 'string',
          pattern: guid,
          description: 'Application (client) ID; the token audience.',
        },
        tokenVersion: { enum: [1, 2], description: 'Access token version the app accepts (default 2).' },
        audiences: {
          type: 'array',
          items: { type: 'string', minLength: 1 },
          description: 'More accepted audiences, e.g. api://<clientId>.',
        },
        groupMembershipClaims: {
          enum: [...groupMembershipClaims],
          description:
            'Which groups Entra puts in tokens (default SecurityGroup); ApplicationGroup: only groups assigned to the app.',
        },
        web: {
          type: 'object',
          additionalProperties: false,
          required: ['redirectUris'],
          description:
            'An optional confidential web client (e.g. a portal): `kentra entra setup` registers it as an app of its own, never on the cluster app, and lets it request tokens for the clusters it names only.',
          properties: {
            name: {
              type: 'string',
              minLength: 1,
              description: 'Display name of its app registration (default <app.name>-web).',
            },
            clientId: {
              type: 'string',
              pattern: guid,
              description: 'Its application (client) ID, written by `kentra entra setup`.',
            },
            redirectUris: { type: 'array', minItems: 1, items: { type: 'string', pattern: https } },
            clusters: {
              type: 'array',
              items: { type: 'string', pattern: dnsLabel },
              description:
                "Clusters whose tokens it may request as the signed-in user: their apps pre-authorize it for kentra's scope (and list it in policy.allowedClientApps when that is set). Default: none.",
            },
            credential: {
              enum: ['secret', 'federated', 'none'],
              description:
                'secret: `kentra entra setup` adds one and shows it once; federated: a federated identity credential (default none).',
            },
            federatedCredential: {
              type: 'object',
              additionalProperties: false,
              required: ['issuer', 'subject'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z0-9][-A-Za-z0-9_]{0,119}$' },
                issuer: { type: 'string', pattern: https },
                subject: { type: 'string', minLength: 1 },
              },
            },
          },
        },
      },
    },
    clusters: { type: 'array', minItems: 1, items: { $ref: '#/$defs/cluster' } },
    identity: {
      type: 'object',
      additionalProperties: false,
      properties: {
        username: {
          type: 'object',
          additionalProperties: false,
          properties: {
            claim: { enum: [...usernameClaims], description: 'Token claim for the username (default oid).' },
            prefix: { type: 'string', description: 'Prefix of every username (default "entra:").' },
          },
        },
        groups: {
          type: 'object',
          additionalProperties: false,
          properties: {
            claim: {
              enum: ['groups', 'roles'],
              description: 'Token claim with group object IDs (default groups).',
            },
            prefix: { type: 'string', description: 'Prefix of every group (default "entra:group:").' },
          },
        },
        extra: {
          type: 'object',
          additionalProperties: false,
          properties: {
            keyDomain: {
              type: 'string',
              pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$',
              description:
                'Domain of the extra keys (default kentra.dev, giving kentra.dev/uti and kentra.dev/sid).',
            },
            uti: { type: 'boolean', description: 'Map the token id (uti) into audit events (default true).' },
            sid: {
              type: 'boolean',
              description: 'Map the sign-in session id (sid) into audit events (default true).',
            },
          },
        },
      },
    },
    policy: {
      type: 'object',
      additionalProperties: false,
      properties: {
        allowedTenants: { type: 'array', minItems: 1, items: { type: 'string', pattern: guid } },
        denyGuests: { type: 'boolean', description: 'Reject guest (B2B) accounts (default true).' },
        requireMfa: { type: 'boolean', description: 'Require "mfa" in amr; v1 tokens only (default false).' },
        requireAuthenticationContext: {
          type: 'string',
          pattern: '^c[1-9][0-9]?$',
          description: 'Conditional Access authentication context id required in acrs, e.g. c1.',
        },
        maxTokenAge: {
          type: 'string',
          pattern: '^[1-9][0-9]*(s|m|h)$',
          description: 'Longest accepted token lifetime, e.g. 90m or 2h.',
        },
        allowedClientApps: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: guid },
          description:
            "Client apps (client IDs) whose tokens are accepted: azp (v2) or appid (v1); the app's own client ID is always allowed. Unset: any client of the tenant.",
        },
        allowedNetworks: {
          type: 'array',
          items: { type: 'string', pattern: cidr },
          description:
            'CIDR ranges users must sign in from: the ipaddr claim (the sign-in address Entra saw, not the address requests come from). Enforced by kentra webhook; tokens without ipaddr are denied.',
        },
        groupOverage: {
          enum: ['reject', 'no-groups'],
          description: 'Tokens with more than 200 groups: reject them (default) or map them to no groups.',
        },
      },
    },
    rules: { type: 'array', items: { $ref: '#/$defs/rule' } },
  },
  $defs: {
    cluster: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: dnsLabel },
        kind: { enum: [...clusterKinds], description: 'How the API server is run (default self-managed).' },
        server: { type: 'string', pattern: https, description: 'API server URL.' },
        kubernetesVersion: {
          type: 'string',
          pattern: '^1\\.[0-9]+$',
          description:
            'Minor version, quoted: "1.34". Chooses apiserver.config.k8s.io/v1 (>= 1.34) or v1beta1.',
        },
        context: {
          type: 'string',
          minLength: 1,
          description: 'kubeconfig context kentra uses for this cluster.',
        },
        certificateAuthorityFile: {
          type: 'string',
          minLength: 1,
          description: "PEM file of the API server's CA.",
        },
        audience: {
          type: 'string',
          minLength: 1,
          description:
            "The token audience this cluster accepts instead of the app's: the client ID of its environment's app (written by `kentra entra setup`) or of an app made by hand, or an app ID URI (api://...; only v1 access tokens carry it as aud, so only with app.tokenVersion: 1). A token captured at one cluster then does not work at another.",
        },
        environment: {
          type: 'string',
          pattern: dnsLabel,
          description:
            'Environment of the cluster (production, staging, ...): `kentra entra setup` gives each environment an app registration of its own (<app.name>-<environment>) and writes its client ID into audience; `kentra verify` warns when clusters of different environments accept the same audience.',
        },
      },
    },
    rule: {
      type: 'object',
      additionalProperties: false,
      required: ['group'],
      properties: {
        group: { type: 'string', minLength: 1, description: 'Entra group: display name or object ID.' },
        groupId: {
          type: 'string',
          pattern: guid,
          description:
            'Object ID the group name resolved to, written by `kentra entra setup` (a pin): a name that later resolves to another group is refused.',
        },
        clusterRole: { type: 'string', minLength: 1 },
        role: {
          type: 'string',
          minLength: 1,
          description: 'A namespaced Role (needs namespaces or namespaceSelector).',
        },
        namespaces: { type: 'array', minItems: 1, items: { type: 'string', pattern: dnsLabel } },
        namespaceSelector: {
          type: 'object',
          additionalProperties: false,
          required: ['matchLabels'],
          properties: {
            matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
          },
        },
        clusters: { type: 'array', minItems: 1, items: { type: 'string', pattern: dnsLabel } },
        expires: {
          type: 'string',
          pattern:
            '^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}))?$',
          description:
            'End of a time-limited grant (date or RFC 3339 time); removed at the next apply after it.',
        },
        description: { type: 'string' },
        jit: {
          type: 'boolean',
          description:
            'Just-in-time: the group is managed by PIM for Groups (members activate with kentra elevate) and has no permanent members; kentra verify checks both.',
        },
      },
    },
  },
} as const satisfies JsonSchema;
