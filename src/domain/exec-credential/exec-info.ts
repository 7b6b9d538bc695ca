/**
 * The input half of the client.authentication.k8s.io exec-credential protocol:
 * the `KUBERNETES_EXEC_INFO` environment variable that client-go sets before it
 * runs a credential plugin. It may be missing (older clients, other tools such as
 * @kubernetes/client-node never set it); that is not an error.
 *
 * Source: kubernetes/client-go plugin/pkg/client/auth/exec/exec.go and
 * pkg/apis/clientauthentication/v1/types.go.
 */
import { KentraError } from '../../errors.js';

export const execApiVersions = [
  'client.authentication.k8s.io/v1',
  'client.authentication.k8s.io/v1beta1',
] as const;
export type ExecApiVersion = (typeof execApiVersions)[number];

export interface ExecInfo {
  /** The apiVersion the caller speaks; the response must use the same one. */
  apiVersion: ExecApiVersion;
  /**
   * Whether the plugin may prompt (kubectl passes stdin only when it is a terminal
   * and interactiveMode allows). `undefined` when the caller did not say.
   */
  interactive: boolean | undefined;
  /** The cluster's API server, when the kubeconfig asked for `provideClusterInfo`. */
  clusterServer: string | undefined;
}

/** v1 is what kentra writes into kubeconfigs; a caller that does not say gets it too. */
const defaultApiVersion: ExecApiVersion = 'client.authentication.k8s.io/v1';

export function parseExecInfo(raw: string | undefined): ExecInfo {
  if (raw === undefined || raw.trim() === '')
    return { apiVersion: defaultApiVersion, interactive: undefined, clusterServer: undefined };
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (cause) {
    throw invalid('is not JSON', cause);
  }
  if (!isRecord(value)) throw invalid('is not a JSON object');
  const apiVersion = value.apiVersion ?? defaultApiVersion;
  if (!execApiVersions.includes(apiVersion as ExecApiVersion))
    throw invalid(`.apiVersion is "${String(apiVersion)}"; kentra speaks ${execApiVersions.join(' and ')}`);
  if (value.kind !== undefined && value.kind !== 'ExecCredential')
    throw invalid(`.kind is "${String(value.kind)}", expected "ExecCredential"`);
  const spec = value.spec ?? {};
  if (!isRecord(spec)) throw invalid('.spec is not an object');
  if (spec.interactive !== undefined && typeof spec.interactive !== 'boolean')
    throw invalid('.spec.interactive is not a boolean');
  const cluster = isRecord(spec.cluster) ? spec.cluster : undefined;
  return {
    apiVersion: apiVersion as ExecApiVersion,
    interactive: spec.interactive as boolean | undefined,
    clusterServer: typeof cluster?.server === 'string' ? cluster.server : undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(what: string, cause?: unknown): KentraError {
  return new KentraError('config.invalid', `KUBERNETES_EXEC_INFO ${what}`, {
    cause,
    hint: 'kubectl sets this variable itself; unset it when running `kentra get-token` by hand.',
  });
}
