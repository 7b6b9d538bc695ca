/**
 * Turns what MSAL throws into a KentraError whose hint tells the user what to
 * do. The AADSTS number is the stable part of Entra's error (the prose changes);
 * numbers and meanings from Microsoft's reference-error-codes page (see
 * reference/entra-protocol.md §1.9). Only Entra's first description line is
 * kept: it names the problem and never carries a token or a code.
 */
import { defaultAuthority } from '../../domain/entra/clouds.js';
import { KentraError } from '../../errors.js';

export interface SignInErrorContext {
  clientId: string;
  tenant: string;
  /** The last network failure seen by kentra's HTTP client during the attempt. */
  networkFailure?: { url: URL; error: Error };
  /** The Entra group that grants access to this cluster, when the kubeconfig names one. */
  accessGroup?: string;
}

interface Hinted {
  summary: string;
  hint: (context: SignInErrorContext) => string;
  code?: 'auth.failed' | 'auth.interaction_required';
}

const known: Record<number, Hinted> = {
  50105: {
    summary: 'your account is not assigned to the Kubernetes app in Entra',
    hint: ({ clientId, accessGroup }) =>
      accessGroup
        ? `Ask for membership of the Entra group "${accessGroup}"; it grants access to this cluster (app ${clientId}).`
        : `The app ${clientId} requires assignment. Ask your Entra administrator to add you (or a group you are in) to the app's users and groups.`,
  },
  53003: {
    summary: 'a Conditional Access policy blocked the sign-in',
    hint: () =>
      'Open the Entra sign-in logs (Conditional Access tab) to see which policy blocked you. Device code sign-ins are ' +
      'often blocked by policy: try `--grant-type authcode` from a machine with a browser.',
  },
  53000: {
    summary: 'Conditional Access requires a compliant device',
    hint: () => 'Sign in from a managed, compliant device, or ask your administrator about the policy.',
  },
  50057: {
    summary: 'the account is disabled in Entra',
    hint: () => 'Your account is disabled. Contact your Entra administrator.',
  },
  50053: {
    summary: 'the account is locked',
    hint: () => 'Wait a few minutes or reset your password, then run kubectl again.',
  },
  50126: {
    summary: 'wrong user name or password',
    hint: () => 'Run kubectl again and sign in with the right password.',
  },
  50020: {
    summary: 'the account does not belong to this tenant',
    hint: ({ tenant }) =>
      `Sign in with an account of tenant ${tenant}, or check --tenant in the kubeconfig (wrong tenant).`,
  },
  50034: {
    summary: 'the account does not exist in this tenant',
    hint: ({ tenant }) =>
      `Check the user name and that --tenant (${tenant}) is your organisation's tenant (wrong tenant).`,
  },
  90002: {
    summary: 'the tenant does not exist',
    hint: ({ tenant }) => `Check --tenant (${tenant}): use your tenant ID (a GUID) or its verified domain.`,
  },
  700016: {
    summary: 'the app does not exist in this tenant',
    hint: ({ clientId, tenant }) =>
      `Check --client-id (${clientId}) and --tenant (${tenant}); the app may be registered in another tenant.`,
  },
  50076: {
    summary: 'multi-factor authentication is required',
    hint: () => 'Sign in interactively (kubectl in a terminal) to complete MFA.',
    code: 'auth.interaction_required',
  },
  50079: {
    summary: 'multi-factor authentication registration is required',
    hint: () => 'Register MFA at https://aka.ms/mfasetup, then run kubectl again.',
    code: 'auth.interaction_required',
  },
  65001: {
    summary: 'consent to the app is missing',
    hint: ({ clientId }) => `Ask your Entra administrator to grant admin consent for app ${clientId}.`,
    code: 'auth.interaction_required',
  },
  650053: {
    summary: 'a scope that does not exist was requested (Entra has no "groups" scope)',
    hint: () =>
      'Remove the scope from --scope. Groups come from the app\'s token configuration ("groupMembershipClaims").',
  },
  50011: {
    summary: 'the redirect URI is not registered for the app',
    hint: ({ clientId }) =>
      `Register http://localhost as a "Mobile and desktop applications" redirect URI of app ${clientId} (any port is accepted).`,
  },
  9002327: {
    summary: 'the redirect URI is registered as a single-page application',
    hint: ({ clientId }) =>
      `Move http://localhost of app ${clientId} from "Single-page application" to "Mobile and desktop applications".`,
  },
  700025: {
    summary: 'a public client sent a client secret',
    hint: () => 'Unset AZURE_CLIENT_SECRET for user sign-in, or use --grant-type client-credentials.',
  },
  7000215: {
    summary: 'the client secret is wrong',
    hint: () => 'Check AZURE_CLIENT_SECRET; copy the secret value, not its ID.',
  },
  7000222: {
    summary: 'the client secret has expired',
    hint: ({ clientId }) => `Create a new secret for app ${clientId} and update AZURE_CLIENT_SECRET.`,
  },
  700213: {
    summary: 'no federated credential matches the workload token',
    hint: ({ clientId }) =>
      `Add a federated identity credential to app ${clientId} whose issuer and subject match the token in AZURE_FEDERATED_TOKEN_FILE.`,
  },
  50173: {
    summary: 'the session was revoked',
    hint: () => 'Run kubectl again in a terminal to sign in afresh.',
    code: 'auth.interaction_required',
  },
  70043: {
    summary: 'the session expired under a Conditional Access sign-in frequency policy',
    hint: () => 'Run kubectl again in a terminal to sign in afresh.',
    code: 'auth.interaction_required',
  },
};

/** The AADSTS number in an Entra error text, if any. */
export function aadstsCode(text: string): number | undefined {
  const match = /AADSTS(\d+)/.exec(text);
  return match?.[1] ? Number(match[1]) : undefined;
}

export function signInError(error: unknown, context: SignInErrorContext): KentraError {
  if (error instanceof KentraError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const code = aadstsCode(raw);
  const firstLine = describe(raw);
  const entry = code === undefined ? undefined : known[code];
  if (entry) {
    return new KentraError(entry.code ?? 'auth.failed', `sign-in failed: ${entry.summary} (AADSTS${code})`, {
      cause: error,
      hint: entry.hint(context),
      details: { aadsts: code, entra: firstLine },
    });
  }
  if (code !== undefined) {
    return new KentraError('auth.failed', `sign-in failed: ${firstLine}`, {
      cause: error,
      hint: `Look up AADSTS${code} at ${defaultAuthority}/error?code=${code}.`,
      details: { aadsts: code },
    });
  }
  if (context.networkFailure) return unreachable(context.networkFailure, error);
  return new KentraError('auth.failed', `sign-in failed: ${firstLine}`, {
    cause: error,
    hint: 'Run again with KENTRA_DEBUG=1 for the cause.',
  });
}

function unreachable({ url, error }: { url: URL; error: Error }, cause: unknown): KentraError {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  const tls = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/i.test(String(code));
  return new KentraError('net.unreachable', `cannot reach the authority ${url.origin} (${code})`, {
    cause,
    hint: tls
      ? `Its TLS certificate is not trusted: pass the CA that signed it with --certificate-authority FILE.`
      : 'Check --authority and the network path (proxy, firewall, VPN) to it.',
  });
}

/** First line of an Entra/MSAL message, without MSAL's "code: " prefix and the trace lines. */
function describe(message: string): string {
  const line = message.split(/\r?\n/)[0] ?? message;
  return line.replace(/^[a-z_]+: /, '').slice(0, 300);
}
