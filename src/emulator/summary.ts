/**
 * What `kentra emulator` prints at start: where it is, what to trust, and who
 * can sign in. Passwords are printed only for the built-in demo tenant (they
 * are published demo values); a seed file's passwords stay in the seed file.
 */
import { demoKentraClientId, demoMfaCode, demoPassword } from './default-seed.js';
import type { RunningEmulator } from './server.js';
import { v1Issuer, v2Issuer } from './tokens.js';

export interface EmulatorSummary {
  url: string;
  authority: string;
  issuer: string;
  issuerV1: string;
  caFile: string;
  graphBase: string;
  /** Environment for @azure/identity's ManagedIdentityCredential (either contract works). */
  managedIdentity: {
    IDENTITY_ENDPOINT: string;
    IDENTITY_HEADER: string;
    AZURE_POD_IDENTITY_AUTHORITY_HOST: string;
  };
  tenants: {
    id: string;
    domain: string;
    displayName: string;
    applications: {
      displayName: string;
      appId: string;
      publicClient: boolean;
      managedIdentity?: 'systemAssigned' | 'userAssigned';
    }[];
    users: {
      userPrincipalName: string;
      displayName: string;
      accountEnabled: boolean;
      userType: string;
      groups: number;
    }[];
    /** All users and groups; `users` lists the first `summaryUserLimit` only. */
    userCount: number;
    groupCount: number;
  }[];
  demo: { kentraClientId: string; password: string; mfaCode: string } | null;
}

/** A generated tenant has 100,000 users: the start-up summary shows the first ones and the counts. */
export const summaryUserLimit = 50;

export function emulatorSummary(running: RunningEmulator, builtIn: boolean): EmulatorSummary {
  const { directory } = running.context;
  const first = directory.defaultTenant;
  return {
    url: running.url,
    authority: `${running.url}/${first.id}`,
    issuer: v2Issuer(running.url, first.id),
    issuerV1: v1Issuer(running.url, first.id),
    caFile: running.caFile,
    graphBase: `${running.url}/v1.0`,
    managedIdentity: {
      IDENTITY_ENDPOINT: running.managedIdentity.endpoint,
      IDENTITY_HEADER: running.managedIdentity.header,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: running.managedIdentity.imdsHost,
    },
    tenants: directory.tenants.map((t) => ({
      id: t.id,
      domain: t.domain,
      displayName: t.displayName,
      applications: [...t.applications.values()]
        .filter((a) => !a.builtIn)
        .map((a) => ({
          displayName: a.displayName,
          appId: a.appId,
          publicClient: a.isFallbackPublicClient,
          ...(a.managedIdentity ? { managedIdentity: a.managedIdentity } : {}),
        })),
      users: [...t.users.values()].slice(0, summaryUserLimit).map((u) => ({
        userPrincipalName: u.userPrincipalName,
        displayName: u.displayName,
        accountEnabled: u.accountEnabled,
        userType: u.userType,
        groups: directory.transitiveGroupIds(t, u.id).length,
      })),
      userCount: t.users.size,
      groupCount: t.groups.size,
    })),
    demo: builtIn
      ? { kentraClientId: demoKentraClientId, password: demoPassword, mfaCode: demoMfaCode }
      : null,
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map(
      (r) =>
        `  ${r
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}\n`,
    )
    .join('');
}

export function renderSummary(s: EmulatorSummary): string {
  let text = 'kentra emulator is running (Ctrl-C to stop)\n\n';
  text += table([
    ['authority', s.authority],
    ['issuer (v2)', s.issuer],
    ['issuer (v1)', s.issuerV1],
    ['CA certificate', s.caFile],
    ['Microsoft Graph', s.graphBase],
    ['device login', `${s.url}/devicelogin`],
    [
      'managed identity',
      `IDENTITY_ENDPOINT=${s.managedIdentity.IDENTITY_ENDPOINT} IDENTITY_HEADER=${s.managedIdentity.IDENTITY_HEADER}`,
    ],
  ]);
  for (const t of s.tenants) {
    text += `\ntenant ${t.displayName} (${t.domain}, ${t.id})\n`;
    text += table([
      ['APPLICATION', 'CLIENT ID', 'TYPE'],
      ...t.applications.map((a) => [
        a.displayName,
        a.appId,
        a.managedIdentity
          ? `managed identity (${a.managedIdentity === 'systemAssigned' ? 'system' : 'user'}-assigned)`
          : a.publicClient
            ? 'public'
            : 'confidential',
      ]),
    ]);
    text += s.demo
      ? `\naccounts (password ${s.demo.password}, MFA code ${s.demo.mfaCode}):\n`
      : '\naccounts (passwords as in the seed file):\n';
    text += table([
      ['USER', 'NAME', 'GROUPS', 'NOTE'],
      ...t.users.map((u) => [
        u.userPrincipalName,
        u.displayName,
        String(u.groups),
        [
          u.accountEnabled ? '' : 'disabled',
          u.userType === 'Guest' ? 'guest' : '',
          u.groups > 200 ? 'groups overage' : '',
        ]
          .filter(Boolean)
          .join(', '),
      ]),
    ]);
    if (t.userCount > t.users.length)
      text += `  … and ${t.userCount - t.users.length} more users (${t.groupCount} groups in all)\n`;
  }
  return text;
}
