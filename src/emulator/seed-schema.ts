/**
 * The seed file's shape and its validation. Every problem is reported with the
 * path to the field (`tenants[0].users[2].password`), all at once, so a user
 * fixes a seed file in one pass. docs/emulator.md documents the same schema.
 */
import { parseIsoDuration } from '../domain/pim/iso-duration.js';
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
  };
  grantControls?: { operator?: 'AND' | 'OR'; builtInControls: string[] };
}

export class SeedProblems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path}: ${message}`);
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Walks one object: typed getters that record a problem (with path) instead of throwing. */
class Fields {
  constructor(
    readonly value: Json,
    readonly path: string,
    readonly problems: SeedProblems,
    allowed: readonly string[],
  ) {
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key))
        problems.add(join(path, key), `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  string(key: string, required: true): string;
  string(key: string, required?: false): string | undefined;
  string(key: string, required = false): string | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (required) this.problems.add(join(this.path, key), 'required');
      return required ? '' : undefined;
    }
    if (typeof v !== 'string' || v.trim() === '') {
      this.problems.add(join(this.path, key), `must be a non-empty string, got ${JSON.stringify(v)}`);
      return required ? '' : undefined;
    }
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'boolean')
      this.problems.add(join(this.path, key), `must be true or false, got ${JSON.stringify(v)}`);
    return typeof v === 'boolean' ? v : undefined;
  }

  oneOf<T extends string | number>(key: string, options: readonly T[]): T | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    if (!options.includes(v as T)) {
      this.problems.add(
        join(this.path, key),
        `must be one of ${options.join(', ')}, got ${JSON.stringify(v)}`,
      );
      return undefined;
    }
    return v as T;
  }

  strings(key: string): string[] | undefined {
    const v = this.value[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.some((item) => typeof item !== 'string' || item === '')) {
      this.problems.add(join(this.path, key), 'must be a list of non-empty strings');
      return undefined;
    }
    return v as string[];
  }

  objects<T>(
    key: string,
    read: (fields: Json, path: string) => T | undefined,
    required = false,
  ): T[] | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) {
      if (required) this.problems.add(join(this.path, key), 'required');
      return undefined;
    }
    if (!Array.isArray(v)) {
      this.problems.add(join(this.path, key), 'must be a list');
      return undefined;
    }
    const out: T[] = [];
    v.forEach((item, index) => {
      const path = `${join(this.path, key)}[${index}]`;
      if (!isObject(item)) {
        this.problems.add(path, 'must be a mapping (key: value)');
        return;
      }
      const read1 = read(item, path);
      if (read1 !== undefined) out.push(read1);
    });
    return out;
  }

  object(key: string): Json | undefined {
    const v = this.value[key];
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) {
      this.problems.add(join(this.path, key), 'must be a mapping (key: value)');
      return undefined;
    }
    return v;
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function guidField(f: Fields, key: string): string | undefined {
  const v = f.string(key);
  if (v !== undefined && !guid.test(v))
    f.problems.add(`${f.path}.${key}`, `must be a GUID, got ${JSON.stringify(v)}`);
  return v;
}

function readUser(value: Json, path: string, problems: SeedProblems): SeedUser {
  const f = new Fields(value, path, problems, [
    'userPrincipalName',
    'password',
    'displayName',
    'id',
    'accountEnabled',
    'userType',
    'mail',
    'mfaCode',
    'memberOf',
  ]);
  const upn = f.string('userPrincipalName', true);
  if (upn && !/^[^@\s]+@[^@\s]+$/.test(upn))
    problems.add(`${path}.userPrincipalName`, 'must look like name@domain');
  return {
    userPrincipalName: upn,
    password: f.string('password', true),
    displayName: f.string('displayName'),
    id: guidField(f, 'id'),
    accountEnabled: f.boolean('accountEnabled'),
    userType: f.oneOf('userType', ['Member', 'Guest'] as const),
    mail: f.string('mail'),
    mfaCode: f.string('mfaCode'),
    memberOf: f.strings('memberOf'),
  };
}

function readGroup(value: Json, path: string, problems: SeedProblems): SeedGroup {
  const f = new Fields(value, path, problems, [
    'displayName',
    'id',
    'description',
    'securityEnabled',
    'members',
  ]);
  return {
    displayName: f.string('displayName', true),
    id: guidField(f, 'id'),
    description: f.string('description'),
    securityEnabled: f.boolean('securityEnabled'),
    members: f.strings('members'),
  };
}

function readApplication(value: Json, path: string, problems: SeedProblems): SeedApplication {
  const f = new Fields(value, path, problems, [
    'displayName',
    'appId',
    'id',
    'publicClient',
    'redirectUris',
    'webRedirectUris',
    'identifierUris',
    'groupMembershipClaims',
    'requestedAccessTokenVersion',
    'scopes',
    'appRoles',
    'secrets',
    'appRoleAssignmentRequired',
    'assignments',
    'apiPermissions',
    'optionalClaims',
  ]);
  return {
    displayName: f.string('displayName', true),
    appId: guidField(f, 'appId'),
    id: guidField(f, 'id'),
    publicClient: f.boolean('publicClient'),
    redirectUris: f.strings('redirectUris'),
    webRedirectUris: f.strings('webRedirectUris'),
    identifierUris: f.strings('identifierUris'),
    groupMembershipClaims: f.oneOf('groupMembershipClaims', [
      'None',
      'SecurityGroup',
      'ApplicationGroup',
      'DirectoryRole',
      'All',
    ] as const),
    requestedAccessTokenVersion: f.oneOf('requestedAccessTokenVersion', [1, 2] as const),
    scopes: f.strings('scopes'),
    appRoles: f.objects('appRoles', (v, p) => {
      const r = new Fields(v, p, problems, ['value', 'displayName', 'allowedMemberTypes']);
      const allowed = r.strings('allowedMemberTypes');
      if (allowed?.some((t) => t !== 'User' && t !== 'Application')) {
        problems.add(`${p}.allowedMemberTypes`, 'entries must be User or Application');
      }
      return {
        value: r.string('value', true),
        displayName: r.string('displayName'),
        allowedMemberTypes: allowed as ('User' | 'Application')[] | undefined,
      };
    }),
    secrets: f.objects('secrets', (v, p) => {
      const s = new Fields(v, p, problems, ['value', 'displayName']);
      const secret = s.string('value', true);
      if (secret && secret.length < 16)
        problems.add(`${p}.value`, 'must be at least 16 characters (as in Entra)');
      return { value: secret, displayName: s.string('displayName') };
    }),
    appRoleAssignmentRequired: f.boolean('appRoleAssignmentRequired'),
    assignments: f.objects('assignments', (v, p) => {
      const a = new Fields(v, p, problems, ['principal', 'role']);
      return { principal: a.string('principal', true), role: a.string('role') };
    }),
    apiPermissions: f.objects('apiPermissions', (v, p) => {
      const a = new Fields(v, p, problems, ['resource', 'roles']);
      return { resource: a.string('resource', true), roles: a.strings('roles') ?? [] };
    }),
    optionalClaims: optionalClaimsOf(f, problems),
  };
}

function optionalClaimsOf(f: Fields, problems: SeedProblems): SeedApplication['optionalClaims'] {
  const value = f.object('optionalClaims');
  if (!value) return undefined;
  const o = new Fields(value, join(f.path, 'optionalClaims'), problems, ['idToken', 'accessToken']);
  const known = supportedOptionalClaims as readonly string[];
  const read = (key: 'idToken' | 'accessToken') => {
    const names = o.strings(key);
    names?.forEach((name, i) => {
      if (!known.includes(name))
        problems.add(
          `${join(o.path, key)}[${i}]`,
          `the emulator supports ${known.join(', ')}, not ${JSON.stringify(name)}`,
        );
    });
    return names;
  };
  return { idToken: read('idToken'), accessToken: read('accessToken') };
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

function readNamedLocation(value: Json, path: string, problems: SeedProblems): SeedNamedLocation {
  const f = new Fields(value, path, problems, ['displayName', 'id', 'isTrusted', 'ipRanges']);
  return {
    displayName: f.string('displayName', true),
    id: guidField(f, 'id'),
    isTrusted: f.boolean('isTrusted'),
    ipRanges:
      f.objects(
        'ipRanges',
        (v, p) => {
          const r = new Fields(v, p, problems, ['cidrAddress', '@odata.type']);
          const cidr = r.string('cidrAddress', true);
          if (cidr && !/^[0-9a-f:.]+\/\d{1,3}$/i.test(cidr))
            problems.add(`${p}.cidrAddress`, 'must be a CIDR like 10.0.0.0/8');
          return { cidrAddress: cidr };
        },
        true,
      ) ?? [],
  };
}

function readPolicy(value: Json, path: string, problems: SeedProblems): SeedPolicy {
  const f = new Fields(value, path, problems, ['displayName', 'id', 'state', 'conditions', 'grantControls']);
  const conditions = f.object('conditions');
  if (!conditions) problems.add(`${path}.conditions`, 'required');
  const c = new Fields(conditions ?? {}, `${path}.conditions`, problems, [
    'applications',
    'users',
    'locations',
    'clientAppTypes',
  ]);
  const sub = (key: string, allowed: string[]) => {
    const o = c.object(key);
    if (!o) return undefined;
    const s = new Fields(o, `${c.path}.${key}`, problems, allowed);
    return Object.fromEntries(allowed.map((k) => [k, s.strings(k)]).filter(([, v]) => v !== undefined));
  };
  const grant = f.object('grantControls');
  let grantControls: SeedPolicy['grantControls'];
  if (grant) {
    const g = new Fields(grant, `${path}.grantControls`, problems, ['operator', 'builtInControls']);
    const controls = g.strings('builtInControls') ?? [];
    for (const control of controls) {
      if (!['block', 'mfa'].includes(control)) {
        problems.add(
          `${g.path}.builtInControls`,
          `the emulator enforces block and mfa, not ${JSON.stringify(control)}`,
        );
      }
    }
    grantControls = { operator: g.oneOf('operator', ['AND', 'OR'] as const), builtInControls: controls };
  }
  return {
    displayName: f.string('displayName', true),
    id: guidField(f, 'id'),
    state: f.oneOf('state', ['enabled', 'disabled', 'enabledForReportingButNotEnforced'] as const),
    conditions: {
      applications: sub('applications', [
        'includeApplications',
        'excludeApplications',
        'includeAuthenticationContextClassReferences',
      ]),
      users: sub('users', ['includeUsers', 'excludeUsers', 'includeGroups', 'excludeGroups']),
      locations: sub('locations', ['includeLocations', 'excludeLocations']),
      clientAppTypes: c.strings('clientAppTypes'),
    },
    grantControls,
  };
}

function readPimGroup(value: Json, path: string, problems: SeedProblems): SeedPimGroup {
  const f = new Fields(value, path, problems, [
    'group',
    'maximumDuration',
    'requireJustification',
    'requireMfa',
    'requireTicket',
    'authenticationContext',
    'approvers',
    'eligible',
  ]);
  const maximumDuration = f.string('maximumDuration');
  if (maximumDuration !== undefined && parseIsoDuration(maximumDuration) === undefined)
    problems.add(
      `${path}.maximumDuration`,
      `must be an ISO 8601 duration such as PT8H, got ${JSON.stringify(maximumDuration)}`,
    );
  const authenticationContext = f.string('authenticationContext');
  if (authenticationContext !== undefined && !/^c([1-9]|[1-9][0-9])$/.test(authenticationContext))
    problems.add(
      `${path}.authenticationContext`,
      `must be an authentication context ID c1..c99, got ${JSON.stringify(authenticationContext)}`,
    );
  return {
    group: f.string('group', true),
    maximumDuration,
    requireJustification: f.boolean('requireJustification'),
    requireMfa: f.boolean('requireMfa'),
    requireTicket: f.boolean('requireTicket'),
    authenticationContext,
    approvers: f.strings('approvers'),
    eligible: f.strings('eligible'),
  };
}

function readTenant(value: Json, path: string, problems: SeedProblems): SeedTenant {
  const f = new Fields(value, path, problems, [
    'id',
    'domain',
    'displayName',
    'users',
    'groups',
    'applications',
    'namedLocations',
    'conditionalAccessPolicies',
    'privilegedAccessGroups',
  ]);
  const domain = f.string('domain', true);
  if (domain && !/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain))
    problems.add(`${path}.domain`, 'must be a domain name');
  return {
    id: guidField(f, 'id'),
    domain,
    displayName: f.string('displayName'),
    users: f.objects('users', (v, p) => readUser(v, p, problems)),
    groups: f.objects('groups', (v, p) => readGroup(v, p, problems)),
    applications: f.objects('applications', (v, p) => readApplication(v, p, problems)),
    namedLocations: f.objects('namedLocations', (v, p) => readNamedLocation(v, p, problems)),
    conditionalAccessPolicies: f.objects('conditionalAccessPolicies', (v, p) => readPolicy(v, p, problems)),
    privilegedAccessGroups: f.objects('privilegedAccessGroups', (v, p) => readPimGroup(v, p, problems)),
  };
}

/** Validates a parsed seed document. Returns the typed document and the problems found (empty when valid). */
export function readSeed(value: unknown, problems: SeedProblems): SeedDocument {
  if (!isObject(value)) {
    problems.add('(root)', 'must be a mapping with a `tenants` list');
    return { tenants: [] };
  }
  const f = new Fields(value, '', problems, ['tenants']);
  const tenants = f.objects('tenants', (v, p) => readTenant(v, p, problems), true) ?? [];
  if (Array.isArray(value.tenants) && value.tenants.length === 0)
    problems.add('tenants', 'needs at least one tenant');
  return { tenants };
}
