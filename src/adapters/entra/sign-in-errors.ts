/**
 * Turns what MSAL (or @azure/identity) throws into a KentraError whose hint
 * tells the user what to do. The AADSTS number is the stable part of Entra's
 * error; what each number means is in src/domain/entra/sign-in-errors.ts, and
 * this table adds kentra's advice. Only Entra's first description line is
 * kept: it names the problem and never carries a token or a code.
 */
import { defaultAuthority } from '../../domain/entra/clouds.js';
import { aadstsCode, signInErrorFact } from '../../domain/entra/sign-in-errors.js';
import { KentraError } from '../../errors.js';

export { aadstsCode } from '../../domain/entra/sign-in-errors.js';

export interface SignInErrorContext {
  clientId: string;
  tenant: string;
  /** The last network failure seen by kentra's HTTP client during the attempt. */
  networkFailure?: { url: URL; error: Error };
  /** The Entra group that grants access to this cluster, when the kubeconfig names one. */
  accessGroup?: string;
  /** Entra's last error answer during the attempt (its error_description), which MSAL may have dropped. */
  entraError?: string;
}

/** kentra's advice for an AADSTS code (its meaning comes from the domain's table). */
interface Hinted {
  hint: (context: SignInErrorContext) => string;
  code?: 'auth.failed' | 'auth.interaction_required';
}

/** The refresh token is dead (password changed, revoked, expired): only a new sign-in helps. */
const signInAfresh: Hinted = {
  hint: () => 'Run kubectl again in a terminal to sign in afresh.',
  code: 'auth.interaction_required',
};

const known: Record<number, Hinted> = {
  50105: {
    hint: ({ clientId, accessGroup }) =>
      accessGroup
        ? `Ask for membership of the Entra group "${accessGroup}"; it grants access to this cluster (app ${clientId}).`
        : `The app ${clientId} requires assignment. Ask your Entra administrator to add you (or a group you are in) to the app's users and groups.`,
  },
  53003: {
    hint: () =>
      'Open the Entra sign-in logs (Conditional Access tab) to see which policy blocked you. Device code sign-ins are ' +
      'often blocked by policy: sign in with `--login browser` on a machine with a browser.',
  },
  53000: {
    hint: () => 'Sign in from a managed, compliant device, or ask your administrator about the policy.',
  },
  50057: {
    hint: () => 'Your account is disabled. Contact your Entra administrator.',
  },
  50053: {
    hint: () => 'Wait a few minutes or reset your password, then run kubectl again.',
  },
  50126: {
    hint: () => 'Run kubectl again and sign in with the right password.',
  },
  50020: {
    hint: ({ tenant }) =>
      `Sign in with an account of tenant ${tenant}, or check --tenant in the kubeconfig (wrong tenant).`,
  },
  50034: {
    hint: ({ tenant }) =>
      `Check the user name and that --tenant (${tenant}) is your organisation's tenant (wrong tenant).`,
  },
  90002: {
    hint: ({ tenant }) => `Check --tenant (${tenant}): use your tenant ID (a GUID) or its verified domain.`,
  },
  700016: {
    hint: ({ clientId, tenant }) =>
      `Check --client-id (${clientId}) and --tenant (${tenant}); the app may be registered in another tenant.`,
  },
  50076: {
    hint: () => 'Sign in interactively (kubectl in a terminal) to complete MFA.',
    code: 'auth.interaction_required',
  },
  50079: {
    hint: () => 'Register MFA at https://aka.ms/mfasetup, then run kubectl again.',
    code: 'auth.interaction_required',
  },
  65001: {
    hint: ({ clientId }) => `Ask your Entra administrator to grant admin consent for app ${clientId}.`,
    code: 'auth.interaction_required',
  },
  650053: {
    hint: () =>
      'Remove the scope from --scope. Groups come from the app\'s token configuration ("groupMembershipClaims").',
  },
  50011: {
    hint: ({ clientId }) =>
      `Register http://localhost as a "Mobile and desktop applications" redirect URI of app ${clientId} (any port is accepted).`,
  },
  9002327: {
    hint: ({ clientId }) =>
      `Move http://localhost of app ${clientId} from "Single-page application" to "Mobile and desktop applications".`,
  },
  700025: {
    hint: () => 'Unset AZURE_CLIENT_SECRET for user sign-in, or use --login spn.',
  },
  7000215: {
    hint: () => 'Check AZURE_CLIENT_SECRET; copy the secret value, not its ID.',
  },
  7000222: {
    hint: ({ clientId }) => `Create a new secret for app ${clientId} and update AZURE_CLIENT_SECRET.`,
  },
  700213: {
    hint: ({ clientId }) =>
      `Add a federated identity credential to app ${clientId} whose issuer and subject match the token in AZURE_FEDERATED_TOKEN_FILE.`,
  },
  50133: signInAfresh,
  50173: signInAfresh,
  70043: signInAfresh,
  700082: signInAfresh,
};

export function signInError(error: unknown, context: SignInErrorContext): KentraError {
  if (error instanceof KentraError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // MSAL keeps Entra's AADSTS text in most errors; where it dropped it (the device code poll),
  // Entra's own answer, seen by kentra's network client, says it.
  const raw =
    aadstsCode(message) === undefined && aadstsCode(context.entraError ?? '') !== undefined
      ? (context.entraError ?? message)
      : message;
  const code = aadstsCode(raw);
  const firstLine = describe(raw);
  const entry = code === undefined || !Object.hasOwn(known, code) ? undefined : known[code];
  const fact = signInErrorFact(code);
  if (entry && fact) {
    return new KentraError(entry.code ?? 'auth.failed', `sign-in failed: ${fact.summary} (AADSTS${code})`, {
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
