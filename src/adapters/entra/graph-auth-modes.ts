/**
 * The ways kentra can sign in to Microsoft Graph. A module of its own, free of
 * imports, so that `kentra --help` can list them without loading the Azure SDK.
 */
export const graphAuthModes = [
  'auto',
  'azure-cli',
  'device-code',
  'client-secret',
  'client-certificate',
  'workload-identity',
  'token',
] as const;
export type GraphAuthMode = (typeof graphAuthModes)[number];
