/**
 * Entra's cloud instances and their hosts: where users sign in, which hosts
 * appear in the two issuer forms, and where Microsoft Graph answers. Every
 * Entra host name kentra uses is spelled here once.
 *
 * Each national cloud is a separate instance with its own endpoints
 * (https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud;
 * Graph: https://learn.microsoft.com/graph/deployments). Azure Germany closed on
 * 29 October 2021 and is left out.
 *
 * Any other authority (the local emulator on https://127.0.0.1:PORT, a test
 * issuer) belongs to no cloud: it serves both issuer forms on its own origin.
 */
export type EntraCloudName = 'public' | 'usGovernment' | 'china';

export interface EntraCloud {
  name: EntraCloudName;
  /**
   * Sign-in hosts: the preferred one first, then its aliases. The aliases are
   * those msal-common hard-codes as instance-discovery metadata
   * (lib/msal-common/src/authority/AuthorityMetadata.ts), so MSAL and
   * @azure/identity know them without asking login.microsoftonline.com.
   */
  loginHosts: readonly string[];
  /** Origin of v2 issuers, `{origin}/{tenant}/v2.0` (msal-common's endpointMetadata `issuer`). */
  v2IssuerOrigin: string;
  /**
   * Origins of v1 issuers, `{origin}/{tenant}/` with its trailing slash. The
   * first is what kentra configures; all of them are recognised.
   */
  v1IssuerOrigins: readonly string[];
  /** Microsoft Graph service roots; the first is the default. */
  graphOrigins: readonly string[];
}

export const publicCloud: EntraCloud = {
  name: 'public',
  loginHosts: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  v2IssuerOrigin: 'https://login.microsoftonline.com',
  // v1 access tokens carry iss https://sts.windows.net/{tid}/ (access-tokens reference).
  v1IssuerOrigins: ['https://sts.windows.net'],
  graphOrigins: ['https://graph.microsoft.com'],
};

export const usGovernmentCloud: EntraCloud = {
  name: 'usGovernment',
  loginHosts: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
  v2IssuerOrigin: 'https://login.microsoftonline.us',
  // Both v1 forms occur: Microsoft's Bot Framework SDK accepts US Government v1 tokens from
  // https://login.microsoftonline.us/{tid}/ and https://sts.windows.net/{tid}/
  // (microsoft/botbuilder-js, botframework-connector parameterizedBotFrameworkAuthentication.ts).
  v1IssuerOrigins: ['https://login.microsoftonline.us', 'https://sts.windows.net'],
  // GCC High / L4 first; DoD (L5) has its own Graph host.
  graphOrigins: ['https://graph.microsoft.us', 'https://dod-graph.microsoft.us'],
};

export const chinaCloud: EntraCloud = {
  name: 'china',
  loginHosts: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
  // msal-common: the China cloud's v2 issuer is on login.partner.microsoftonline.cn, even when
  // signing in through login.chinacloudapi.cn.
  v2IssuerOrigin: 'https://login.partner.microsoftonline.cn',
  v1IssuerOrigins: ['https://sts.chinacloudapi.cn'],
  graphOrigins: ['https://microsoftgraph.chinacloudapi.cn'],
};

export const entraClouds: readonly EntraCloud[] = [publicCloud, usGovernmentCloud, chinaCloud];

/** A cloud's authority: its preferred sign-in host. */
export function authorityOf(cloud: EntraCloud): string {
  return `https://${cloud.loginHosts[0]}`;
}

/** The public cloud's sign-in host: kentra's default authority. */
export const defaultAuthority = authorityOf(publicCloud);
/** The public cloud's Microsoft Graph. */
export const defaultGraph = publicCloud.graphOrigins[0] as string;

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The cloud whose sign-in host (or alias) `authority` is; undefined for the emulator or any private authority. */
export function cloudOfAuthority(authority: string): EntraCloud | undefined {
  const host = hostOf(authority);
  return entraClouds.find((cloud) => host !== undefined && cloud.loginHosts.includes(host));
}

/** True for every Entra sign-in host and alias, in any cloud. */
export function isEntraLoginHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return entraClouds.some((cloud) => cloud.loginHosts.includes(host));
}

/** True when `authority` is kentra's default (the public cloud's preferred host). */
export function isDefaultAuthority(authority: string): boolean {
  return hostOf(authority) === publicCloud.loginHosts[0];
}

/** The Graph root that goes with an authority: its cloud's default Graph, else the public one. */
export function graphFor(authority: string): string {
  return cloudOfAuthority(authority)?.graphOrigins[0] ?? defaultGraph;
}

/**
 * The Graph resource (`.default` scope) for a Graph root: a national Graph host is its
 * own resource; a local Graph (the emulator) stands for the public one.
 */
export function graphResourceFor(graphBaseUrl: string): string {
  const url = new URL(graphBaseUrl);
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  return local ? defaultGraph : url.origin;
}
