/**
 * The seed file's shape and its validation: a JSON Schema (`seedSchema`,
 * published as schema/emulator-seed.schema.json; a unit test keeps the two
 * equal) checked by the product's one config checker (domain/config-check).
 * Every problem is reported with the path to the field
 * (`tenants[0].users[2].password`), all at once, so a user fixes a seed file
 * in one pass. docs/emulator.md documents the same fields.
 */
import { checkSchema } from '../domain/config-check/check.js';
import { formatPath } from '../domain/config-check/issues.js';
import type { JsonSchema } from '../domain/config-check/json-schema.js';

export interface SeedDocument {
  tenants: SeedTenant[];
}

export interface SeedTenant {
  id?: string;
  domain: string;
  displayName?: string;
  users?: SeedUser[];
  groups?: SeedGroup[];
  applications?: SeedApplication[];
  namedLocations?: SeedNamedLocation[];
  conditionalAccessPolicies?: SeedPolicy[];
  privilegedAccessGroups?: SeedPimGroup[];
}

/** A group onboarded to PIM for Groups: its member-activation policy and who is eligible. */
export interface SeedPimGroup {
  /** Display name of a group in `groups`. */
  group: string;
  /** Longest activation, ISO 8601 (default PT8H). */
  maximumDuration?: string;
  /** Default true, as in a new PIM policy. */
  requireJustification?: boolean;
  requireMfa?: boolean;
  requireTicket?: boolean;
  /** Authentication context (c1..c99) the activating token must carry in `acrs`. */
  authenticationContext?: string;
  /** User principal names or group display names; activation needs one of them to approve when given. */
  approvers?: string[];
  /** User principal names eligible for membership. */
  eligible?: string[];
}

export interface SeedUser {
  userPrincipalName: string;
  password: string;
  displayName?: string;
  id?: string;
  accountEnabled?: boolean;
  userType?: 'Member' | 'Guest';
  mail?: string;
  mfaCode?: string;
  /** Display names of groups this user is a direct member of. */
  memberOf?: string[];
}

export interface SeedGroup {
  displayName: string;
  id?: string;
  description?: string;
  securityEnabled?: boolean;
  /** Role-assignable group (default false): only role administrators manage its members. */
  isAssignableToRole?: boolean;
  /** Direct members: user principal names or display names of other groups (nesting). */
  members?: string[];
}

export interface SeedApplication {
  displayName: string;
  appId?: string;
  id?: string;
  /** A public client (no secret needed for device code and loopback sign-in). */
  publicClient?: boolean;
  redirectUris?: string[];
  webRedirectUris?: string[];
  identifierUris?: string[];
  groupMembershipClaims?: 'None' | 'SecurityGroup' | 'ApplicationGroup' | 'DirectoryRole' | 'All';
  requestedAccessTokenVersion?: 1 | 2;
  /** Delegated permission values this app exposes (e.g. `user_impersonation`). */
  scopes?: string[];
  appRoles?: { value: string; displayName?: string; allowedMemberTypes?: ('User' | 'Application')[] }[];
  secrets?: { value: string; displayName?: string }[];
  appRoleAssignmentRequired?: boolean;
  /** Who is assigned to this app: user principal names, group display names or app display names. */
  assignments?: { principal: string; role?: string }[];
  /** Application permissions granted to this app on other resources, by resource display name or app ID. */
  apiPermissions?: { resource: string; roles: string[] }[];
  /** Optional claims by name, per token kind (Graph's optionalClaims, names only). */
  optionalClaims?: { idToken?: string[]; accessToken?: string[] };
  /** Certificates (PEM) the app may sign client assertions with (Graph keyCredentials). */
  certificates?: { certificate: string; displayName?: string }[];
  /** Tokens of other OIDC issuers the app accepts as its credential (Graph federatedIdentityCredentials). */
  federatedCredentials?: {
    name: string;
    issuer: string;
    subject: string;
    audiences?: string[];
    description?: string;
  }[];
  /** A managed identity instead of an app registration: served by the managed-identity endpoint. */
  managedIdentity?: 'systemAssigned' | 'userAssigned';
}

export interface SeedNamedLocation {
  displayName: string;
  id?: string;
  isTrusted?: boolean;
  ipRanges: { cidrAddress: string }[];
}

/** Graph's conditionalAccessPolicy; references may be names (resolved when the seed is loaded). */
export interface SeedPolicy {
  displayName: string;
  id?: string;
  state?: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  conditions: {
    applications?: {
      includeApplications?: string[];
      excludeApplications?: string[];
      includeAuthenticationContextClassReferences?: string[];
    };
    users?: {
      includeUsers?: string[];
      excludeUsers?: string[];
      includeGroups?: string[];
      excludeGroups?: string[];
    };
    locations?: { includeLocations?: string[]; excludeLocations?: string[] };
    clientAppTypes?: string[];
    authenticationFlows?: { transferMethods: string };
  };
  grantControls?: { operator?: 'AND' | 'OR'; builtInControls: string[] };
}

/** Problems as `path: message` lines; loading a seed adds the ones about references between entries. */
export class SeedProblems {
  readonly list: string[] = [];
  add(path: string, message: string, hint?: string): void {
    this.list.push(`${path}: ${message}${hint ? ` (${hint})` : ''}`);
  }
}

/** The optional claims the emulator can emit (Entra's optional-claims reference). */
const supportedOptionalClaims = [
  'acct',
  'auth_time',
  'email',
  'family_name',
  'given_name',
  'ipaddr',
  'login_hint',
  'upn',
  'verified_primary_email',
] as const;

const names = { $ref: '#/$defs/names' } as const;
const text = { type: 'string', minLength: 1 } as const;
const guid = { $ref: '#/$defs/guid' } as const;
const listOf = <T extends JsonSchema>(items: T) => ({ type: 'array', items }) as const;

export const seedSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://github.com/kentra/kentra/schema/emulator-seed.schema.json',
  title: 'kentra emulator seed file',
  description:
    'The directory `kentra emulator --seed FILE` serves: tenants with users, groups, applications, named locations and Conditional Access policies. See docs/emulator.md.',
  type: 'object',
  required: ['tenants'],
  additionalProperties: false,
  properties: {
    tenants: {
      type: 'array',
      minItems: 1,
      items: { $ref: '#/$defs/tenant' },
      description: 'The first tenant is the default.',
    },
  },
  $defs: {
    guid: {
      type: 'string',
      pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
      description: 'An object ID (GUID).',
    },
    names: { type: 'array', items: text },
    tenant: {
      type: 'object',
      required: ['domain'],
      additionalProperties: false,
      properties: {
        id: guid,
        domain: {
          type: 'string',
          pattern: '^[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$',
          description: 'A domain name, e.g. contoso.example.',
        },
        displayName: text,
        users: listOf({ $ref: '#/$defs/user' }),
        groups: listOf({ $ref: '#/$defs/group' }),
        applications: listOf({ $ref: '#/$defs/application' }),
        namedLocations: listOf({ $ref: '#/$defs/namedLocation' }),
        conditionalAccessPolicies: listOf({ $ref: '#/$defs/policy' }),
        privilegedAccessGroups: {
          ...listOf({ $ref: '#/$defs/privilegedAccessGroup' }),
          description: 'Groups onboarded to PIM for Groups: member-activation policy and eligible users.',
        },
      },
    },
    user: {
      type: 'object',
      required: ['userPrincipalName', 'password'],
      additionalProperties: false,
      properties: {
        userPrincipalName: {
          type: 'string',
          pattern: '^[^@\\s]+@[^@\\s]+$',
          description: 'Must look like name@domain.',
        },
        password: text,
        displayName: text,
        id: guid,
        accountEnabled: { type: 'boolean', default: true },
        userType: { enum: ['Member', 'Guest'], default: 'Member' },
        mail: text,
        mfaCode: { ...text, default: '000000', description: 'The code the MFA page accepts.' },
        memberOf: { ...names, description: 'Display names of groups the user is a direct member of.' },
      },
    },
    group: {
      type: 'object',
      required: ['displayName'],
      additionalProperties: false,
      properties: {
        displayName: text,
        id: guid,
        description: text,
        securityEnabled: { type: 'boolean', default: true },
        isAssignableToRole: { type: 'boolean', default: false },
        members: { ...names, description: 'User principal names or group display names.' },
      },
    },
    application: {
      type: 'object',
      required: ['displayName'],
      additionalProperties: false,
      properties: {
        displayName: text,
        appId: guid,
        id: guid,
        publicClient: { type: 'boolean', default: false },
        redirectUris: names,
        webRedirectUris: names,
        identifierUris: names,
        groupMembershipClaims: {
          enum: ['None', 'SecurityGroup', 'ApplicationGroup', 'DirectoryRole', 'All'],
        },
        requestedAccessTokenVersion: { enum: [1, 2] },
        scopes: names,
        appRoles: listOf({
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: {
            value: text,
            displayName: text,
            allowedMemberTypes: listOf({ enum: ['User', 'Application'] }),
          },
        }),
        secrets: listOf({
          type: 'object',
          required: ['value'],
          additionalProperties: false,
          properties: {
            value: { type: 'string', minLength: 16, description: 'At least 16 characters, as in Entra.' },
            displayName: text,
          },
        }),
        appRoleAssignmentRequired: { type: 'boolean', default: false },
        assignments: listOf({
          type: 'object',
          required: ['principal'],
          additionalProperties: false,
          properties: { principal: text, role: text },
        }),
        apiPermissions: listOf({
          type: 'object',
          required: ['resource', 'roles'],
          additionalProperties: false,
          properties: { resource: text, roles: names },
        }),
        optionalClaims: {
          type: 'object',
          additionalProperties: false,
          description: "Optional claims by name per token kind (Graph's optionalClaims).",
          properties: {
            idToken: listOf({ enum: supportedOptionalClaims }),
            accessToken: listOf({ enum: supportedOptionalClaims }),
          },
        },
        certificates: {
          ...listOf({
            type: 'object',
            required: ['certificate'],
            additionalProperties: false,
            properties: {
              certificate: {
                type: 'string',
                pattern: '-----BEGIN CERTIFICATE-----',
                description: 'A PEM certificate.',
              },
              displayName: text,
            },
          }),
          description: 'Certificates the app signs client assertions with (Graph keyCredentials).',
        },
        federatedCredentials: {
          ...listOf({
            type: 'object',
            required: ['name', 'issuer', 'subject'],
            additionalProperties: false,
            properties: {
              name: text,
              issuer: { type: 'string', pattern: '^https://', description: 'An https issuer URL.' },
              subject: text,
              audiences: {
                type: 'array',
                items: text,
                minItems: 1,
                default: ['api://AzureADTokenExchange'],
                description: 'Exactly one audience, as in Entra (checked when the seed is loaded).',
              },
              description: text,
            },
          }),
          description:
            'Tokens of other OIDC issuers the app accepts as its credential (Graph federatedIdentityCredentials).',
        },
        managedIdentity: {
          enum: ['systemAssigned', 'userAssigned'],
          description:
            'A managed identity instead of an app registration: tokens come from the managed-identity endpoint.',
        },
      },
    },
    namedLocation: {
      type: 'object',
      required: ['displayName', 'ipRanges'],
      additionalProperties: false,
      properties: {
        displayName: text,
        id: guid,
        isTrusted: { type: 'boolean', default: false },
        ipRanges: listOf({
          type: 'object',
          required: ['cidrAddress'],
          additionalProperties: false,
          properties: {
            cidrAddress: {
              type: 'string',
              pattern: '^[0-9a-fA-F:.]+/[0-9]{1,3}$',
              description: 'A CIDR range like 10.0.0.0/8.',
            },
            '@odata.type': { type: 'string' },
          },
        }),
      },
    },
    policy: {
      type: 'object',
      required: ['displayName', 'conditions'],
      additionalProperties: false,
      properties: {
        displayName: text,
        id: guid,
        state: { enum: ['enabled', 'disabled', 'enabledForReportingButNotEnforced'], default: 'enabled' },
        conditions: {
          type: 'object',
          additionalProperties: false,
          properties: {
            applications: {
              type: 'object',
              additionalProperties: false,
              properties: {
                includeApplications: names,
                excludeApplications: names,
                includeAuthenticationContextClassReferences: names,
              },
            },
            users: {
              type: 'object',
              additionalProperties: false,
              properties: {
                includeUsers: names,
                excludeUsers: names,
                includeGroups: names,
                excludeGroups: names,
              },
            },
            locations: {
              type: 'object',
              additionalProperties: false,
              properties: { includeLocations: names, excludeLocations: names },
            },
            clientAppTypes: names,
            authenticationFlows: {
              type: 'object',
              required: ['transferMethods'],
              additionalProperties: false,
              properties: {
                transferMethods: {
                  type: 'string',
                  pattern:
                    '^(deviceCodeFlow|authenticationTransfer)(,(deviceCodeFlow|authenticationTransfer))*$',
                  description:
                    'Comma-separated: deviceCodeFlow, authenticationTransfer. The policy applies only to sign-ins through these flows.',
                },
              },
            },
          },
        },
        grantControls: {
          type: 'object',
          required: ['builtInControls'],
          additionalProperties: false,
          properties: {
            operator: { enum: ['AND', 'OR'] },
            builtInControls: {
              ...listOf({ enum: ['block', 'mfa'] }),
              description: 'The emulator enforces block and mfa.',
            },
          },
        },
      },
    },
    privilegedAccessGroup: {
      type: 'object',
      required: ['group'],
      additionalProperties: false,
      properties: {
        group: { ...text, description: 'Display name of a group in groups.' },
        maximumDuration: {
          type: 'string',
          // ISO 8601 as PIM writes it (PT8H, PT30M, P1D); domain/pim/iso-duration.ts reads it.
          pattern: '^P(?=\\d|T\\d)(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$',
          default: 'PT8H',
          description: 'Longest activation, an ISO 8601 duration such as PT4H.',
        },
        requireJustification: { type: 'boolean', default: true },
        requireMfa: {
          type: 'boolean',
          default: false,
          description: 'The activating token must carry amr mfa.',
        },
        requireTicket: { type: 'boolean', default: false },
        authenticationContext: {
          type: 'string',
          pattern: '^c([1-9]|[1-9][0-9])$',
          description: 'An authentication context ID c1..c99 the activating token must carry in acrs.',
        },
        approvers: {
          ...names,
          description: 'User principal names or group display names; approval is required when given.',
        },
        eligible: { ...names, description: 'User principal names eligible for membership.' },
      },
    },
  },
} as const satisfies JsonSchema;

/**
 * Checks a parsed seed document against `seedSchema`. Returns the typed
 * document, or no tenants when `problems` received any.
 */
export function readSeed(value: unknown, problems: SeedProblems): SeedDocument {
  const issues = checkSchema(seedSchema, value);
  for (const issue of issues) problems.add(formatPath(issue.path), issue.message, issue.hint);
  return issues.length === 0 ? (value as SeedDocument) : { tenants: [] };
}
