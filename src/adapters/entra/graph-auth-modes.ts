/**
 * The ways kentra can sign in to Microsoft Graph (`--graph-auth`). A module of
 * its own, free of imports, so that `kentra --help` can list them without
 * loading the Azure SDK. docs/graph-auth.md describes each mode.
 */
export const graphAuthModes = [
  'auto',
  'azure-cli',
  'device-code',
  'browser',
  'client-secret',
  'client-certificate',
  'workload-identity',
  'managed-identity',
  'token',
] as const;
export type GraphAuthMode = (typeof graphAuthModes)[number];
/** A mode `auto` can resolve to. */
export type ResolvedGraphAuthMode = Exclude<GraphAuthMode, 'auto'>;

/** The modes an unattended process (the webhook) can use: no person, no expiring hand-made token. */
export const unattendedGraphAuthModes = [
  'client-secret',
  'client-certificate',
  'workload-identity',
  'managed-identity',
] as const satisfies readonly ResolvedGraphAuthMode[];
export type UnattendedGraphAuthMode = (typeof unattendedGraphAuthModes)[number];
