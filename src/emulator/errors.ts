/**
 * Entra's error responses. STS (login) errors carry an AADSTS code inside a
 * fixed body shape (`error`, `error_description` with trace and correlation
 * IDs, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`);
 * Graph errors use Graph's `{"error":{"code","message","innerError"}}`.
 * Shapes: ../shared/reference/entra-protocol.md §1.9 and §4.
 */
import { newGuid } from './ids.js';

interface Catalogued {
  error: string;
  status: number;
  message: (arg: string) => string;
  suberror?: string;
}

/** The AADSTS codes the emulator produces, with Entra's `error` value, HTTP status and wording. */
const catalog = {
  50011: {
    error: 'invalid_request',
    status: 400,
    message: (a) =>
      `The redirect URI '${a}' specified in the request does not match the redirect URIs configured for the application.`,
  },
  50034: {
    error: 'invalid_grant',
    status: 400,
    message: (a) => `The user account ${a} does not exist in the directory.`,
  },
  50057: { error: 'invalid_grant', status: 400, message: () => 'The user account is disabled.' },
  50058: {
    error: 'login_required',
    status: 400,
    message: () => 'A silent sign-in request was sent but no user is signed in.',
  },
  50076: {
    error: 'interaction_required',
    status: 400,
    message: (a) =>
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${a}'.`,
  },
  50105: {
    error: 'invalid_grant',
    status: 400,
    message: (a) =>
      `Your administrator has configured the application ${a} to block users unless they are specifically granted ('assigned') access to the application. The signed in user is blocked because they are not a direct member of a group with access, nor had access directly assigned by an administrator.`,
  },
  50126: {
    error: 'invalid_grant',
    status: 400,
    message: () => 'Error validating credentials due to invalid username or password.',
  },
  50173: {
    error: 'invalid_grant',
    status: 400,
    suberror: 'bad_token',
    message: () =>
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
  },
  53003: {
    error: 'invalid_grant',
    status: 400,
    message: () =>
      'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  },
  54005: {
    error: 'invalid_grant',
    status: 400,
    message: () =>
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
  },
  70000: {
    error: 'invalid_grant',
    status: 400,
    message: (a) => `The provided value for the '${a}' parameter is not valid.`,
  },
  70003: {
    error: 'unsupported_grant_type',
    status: 400,
    message: (a) => `The app requested an unsupported grant type '${a}'.`,
  },
  70011: {
    error: 'invalid_scope',
    status: 400,
    message: (a) =>
      `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid: ${a}`,
  },
  70016: {
    error: 'authorization_pending',
    status: 400,
    message: () => 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
  },
  70018: { error: 'bad_verification_code', status: 400, message: () => 'Invalid verification code entered.' },
  70019: { error: 'expired_token', status: 400, message: () => 'Verification code expired.' },
  90002: {
    error: 'invalid_request',
    status: 400,
    message: (a) =>
      `Tenant '${a}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
  },
  90014: {
    error: 'invalid_request',
    status: 400,
    message: (a) => `The required field '${a}' is missing from the credential.`,
  },
  900144: {
    error: 'invalid_request',
    status: 400,
    message: (a) => `The request body must contain the following parameter: '${a}'.`,
  },
  9002313: {
    error: 'invalid_request',
    status: 400,
    message: (a) => `Invalid request. Request is malformed or invalid. ${a}`.trim(),
  },
  500011: {
    error: 'invalid_resource',
    status: 400,
    message: (a) => `The resource principal named ${a} was not found in the tenant.`,
  },
  501051: {
    error: 'invalid_grant',
    status: 400,
    message: (a) => `Application is not assigned to a role for the application ${a}.`,
  },
  501481: {
    error: 'invalid_grant',
    status: 400,
    message: () =>
      'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
  },
  700016: {
    error: 'unauthorized_client',
    status: 400,
    message: (a) => `Application with identifier '${a}' was not found in the directory.`,
  },
  700025: {
    error: 'invalid_client',
    status: 401,
    message: () => "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
  },
  7000215: {
    error: 'invalid_client',
    status: 401,
    message: (a) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${a}'.`,
  },
  7000218: {
    error: 'invalid_client',
    status: 401,
    message: () =>
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  },
  // Client assertions (certificates, federated credentials). Wording from Entra's error-code reference;
  // the codes for federated-credential mismatches are the ones Entra returns to GitHub Actions and
  // Kubernetes workload identity users (unverified against a live tenant).
  50027: {
    error: 'invalid_request',
    status: 400,
    message: (a) => `JWT token is invalid or malformed. ${a}`.trim(),
  },
  50166: {
    error: 'invalid_client',
    status: 401,
    message: (a) => `Request to External OIDC endpoint failed. ${a}`.trim(),
  },
  700021: {
    error: 'invalid_client',
    status: 401,
    message: () => "Client assertion application identifier doesn't match 'client_id' parameter.",
  },
  700023: {
    error: 'invalid_client',
    status: 401,
    message: (a) => `Client assertion audience claim does not match Realm issuer. ${a}`.trim(),
  },
  700024: {
    error: 'invalid_client',
    status: 401,
    message: () => 'Client assertion is not within its valid time range.',
  },
  700027: {
    error: 'invalid_client',
    status: 401,
    message: (a) => a || 'Client assertion failed signature validation.',
  },
  700211: {
    error: 'invalid_client',
    status: 401,
    message: (a) => `No matching federated identity record found for presented assertion issuer '${a}'.`,
  },
  700212: {
    error: 'invalid_client',
    status: 401,
    message: (a) => `No matching federated identity record found for presented assertion audience '${a}'.`,
  },
  700213: {
    error: 'invalid_client',
    status: 401,
    message: (a) => `No matching federated identity record found for presented assertion subject '${a}'.`,
  },
  700054: {
    error: 'unsupported_response_type',
    status: 400,
    message: (a) => `response_type '${a}' is not enabled for the application.`,
  },
  50181: {
    error: 'invalid_grant',
    status: 400,
    message: () => 'The verification code you entered is not correct.',
  },
  900561: {
    error: 'invalid_request',
    status: 405,
    message: (a) => `The endpoint only accepts ${a} requests.`,
  },
  90000: { error: 'server_error', status: 500, message: () => 'The emulator failed to handle the request.' },
} satisfies Record<number, Catalogued>;

export type AadstsCode = keyof typeof catalog;

/** Thrown by handlers; the router renders it in Entra's shape. Never carries a secret. */
export class StsFailure extends Error {
  readonly status: number;
  readonly error: string;
  readonly suberror: string | undefined;

  constructor(
    readonly code: AadstsCode,
    arg = '',
    override?: { error?: string; status?: number },
  ) {
    const entry: Catalogued = catalog[code];
    super(entry.message(arg));
    this.error = override?.error ?? entry.error;
    this.status = override?.status ?? entry.status;
    this.suberror = entry.suberror;
  }

  get aadsts(): string {
    return `AADSTS${this.code}: ${this.message}`;
  }
}

/** `2016-01-09 02:02:12Z`, the STS's timestamp format. */
export function stsTimestamp(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

export function stsErrorBody(
  failure: StsFailure,
  context: { correlationId: string | undefined; now: number; baseUrl: string },
): Record<string, unknown> {
  const traceId = newGuid();
  const correlationId = context.correlationId ?? newGuid();
  const timestamp = stsTimestamp(context.now);
  return {
    error: failure.error,
    error_description: `${failure.aadsts}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [failure.code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `${context.baseUrl}/error?code=${failure.code}`,
    ...(failure.suberror ? { suberror: failure.suberror } : {}),
  };
}

/** A Graph error (`Request_ResourceNotFound`, `TooManyRequests`, ...). */
export class GraphFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. Retry-After on throttling. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function graphErrorBody(
  failure: GraphFailure,
  context: { requestId: string; clientRequestId: string | undefined; now: number },
): Record<string, unknown> {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      innerError: {
        date: new Date(context.now).toISOString().slice(0, 19),
        'request-id': context.requestId,
        'client-request-id': context.clientRequestId ?? context.requestId,
      },
    },
  };
}
