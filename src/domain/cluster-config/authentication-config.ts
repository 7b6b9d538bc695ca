/**
 * Renders a JwtAuthenticator as the API server's AuthenticationConfiguration
 * (`--authentication-config`). The CEL comes from the same expression trees
 * kentra evaluates itself (domain/identity).
 * Fields: https://kubernetes.io/docs/reference/config-api/apiserver-config.v1/
 */
import type { JwtAuthenticator } from '../identity/authenticator.js';
import { toCel } from '../identity/expr.js';

export type AuthenticationConfigApiVersion = 'apiserver.config.k8s.io/v1' | 'apiserver.config.k8s.io/v1beta1';

/**
 * Structured authentication is GA (v1) from Kubernetes 1.34 and beta (v1beta1,
 * on by default) in 1.30-1.33 (KEP-3331; feature-gate page). Unknown versions
 * get v1: new clusters are the common case.
 */
export function authenticationConfigApiVersion(
  kubernetesVersion: string | undefined,
): AuthenticationConfigApiVersion {
  const minor = Number(kubernetesVersion?.split('.')[1] ?? '34');
  return minor >= 34 ? 'apiserver.config.k8s.io/v1' : 'apiserver.config.k8s.io/v1beta1';
}

export interface AuthenticationConfiguration {
  apiVersion: AuthenticationConfigApiVersion;
  kind: 'AuthenticationConfiguration';
  jwt: {
    issuer: {
      url: string;
      audiences: string[];
      audienceMatchPolicy?: 'MatchAny';
      certificateAuthority?: string;
    };
    claimValidationRules: { expression: string; message: string }[];
    claimMappings: {
      username: { expression: string };
      groups: { expression: string };
      extra?: { key: string; valueExpression: string }[];
    };
  }[];
}

export function renderAuthenticationConfiguration(
  authenticator: JwtAuthenticator,
  options: { apiVersion: AuthenticationConfigApiVersion; certificateAuthority?: string },
): AuthenticationConfiguration {
  const audiences = [...new Set(authenticator.audiences)];
  const extra = authenticator.mapping.extra.map(({ key, value }) => ({ key, valueExpression: toCel(value) }));
  return {
    apiVersion: options.apiVersion,
    kind: 'AuthenticationConfiguration',
    jwt: [
      {
        issuer: {
          url: authenticator.issuer,
          audiences,
          // More than one audience requires MatchAny (validation.go).
          ...(audiences.length > 1 ? { audienceMatchPolicy: 'MatchAny' as const } : {}),
          ...(options.certificateAuthority ? { certificateAuthority: options.certificateAuthority } : {}),
        },
        claimValidationRules: authenticator.rules.map((rule) => ({
          expression: toCel(rule.expr),
          message: rule.message,
        })),
        claimMappings: {
          username: { expression: toCel(authenticator.mapping.username) },
          groups: { expression: toCel(authenticator.mapping.groups) },
          ...(extra.length > 0 ? { extra } : {}),
        },
      },
    ],
  };
}
