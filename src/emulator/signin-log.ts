/**
 * The sign-in log: one Graph `signIn` record per token response (its
 * `uniqueTokenIdentifier` is the tokens' `uti`) and per failed sign-in
 * (`status.errorCode` = the AADSTS code). Shape: reference §5.1 and §5.2.
 */
import type { AppliedPolicy } from './conditional-access.js';
import { newGuid } from './ids.js';
import type { Application, Tenant, User } from './model.js';

export type SignInEventType =
  | 'interactiveUser'
  | 'nonInteractiveUser'
  | 'servicePrincipal'
  | 'managedIdentity';

/** Graph signIn `clientCredentialType`: how the client proved itself. */
export type ClientCredentialType =
  | 'none'
  | 'clientSecret'
  | 'certificate'
  | 'federatedIdentityCredential'
  | 'managedIdentity';

/** Graph's `authenticationProtocol` values the emulator produces. */
export type AuthProtocol = 'oAuth2' | 'deviceCode' | 'ropc' | 'none';

export interface SignInInput {
  tenant: Tenant;
  user: User | undefined;
  client: Application;
  resource: Application | undefined;
  servicePrincipalId?: string;
  eventType: SignInEventType;
  protocol: AuthProtocol;
  ip: string;
  userAgent: string;
  correlationId: string | undefined;
  uti: string | undefined;
  sid: string | undefined;
  amr: string[];
  mfaRequired: boolean;
  caStatus: 'success' | 'failure' | 'notApplied';
  policies: AppliedPolicy[];
  acrs: string[];
  errorCode: number;
  failureReason: string | null;
  clientCredentialType: ClientCredentialType;
  at: number;
}

export type SignIn = Record<string, unknown> & {
  id: string;
  createdDateTime: string;
  tenantId: string;
  isInteractive: boolean;
  signInEventTypes: SignInEventType[];
  uniqueTokenIdentifier: string | null;
};

export class SignInLog {
  readonly events: SignIn[] = [];

  record(input: SignInInput): SignIn {
    const { user, client, resource } = input;
    const mfa = input.amr.includes('mfa');
    const event: SignIn = {
      id: newGuid(),
      createdDateTime: new Date(input.at).toISOString(),
      tenantId: input.tenant.id,
      userDisplayName: user?.displayName ?? null,
      userPrincipalName: user?.userPrincipalName ?? null,
      userId: user?.id ?? null,
      userType: user ? (user.userType === 'Guest' ? 'guest' : 'member') : null,
      appId: client.appId,
      appDisplayName: client.displayName,
      ipAddress: input.ip,
      clientAppUsed:
        input.eventType === 'servicePrincipal' || input.eventType === 'managedIdentity'
          ? null
          : 'Mobile Apps and Desktop clients',
      userAgent: input.userAgent,
      correlationId: input.correlationId ?? newGuid(),
      conditionalAccessStatus: input.caStatus,
      appliedConditionalAccessPolicies: input.policies,
      isInteractive: input.eventType === 'interactiveUser',
      signInEventTypes: [input.eventType],
      authenticationProtocol: input.protocol,
      authenticationRequirement:
        input.mfaRequired || mfa ? 'multiFactorAuthentication' : 'singleFactorAuthentication',
      authenticationMethodsUsed: user ? (mfa ? ['Password', 'OATH verification code'] : ['Password']) : [],
      authenticationDetails: user
        ? [
            {
              authenticationMethod: 'Password',
              succeeded: input.errorCode !== 50126,
              authenticationStepRequirement: 'Primary authentication',
            },
            ...(mfa
              ? [
                  {
                    authenticationMethod: 'OATH verification code',
                    succeeded: true,
                    authenticationStepRequirement: 'Multifactor authentication',
                  },
                ]
              : []),
          ]
        : [],
      authenticationContextClassReferences: input.acrs.map((id) => ({ id, detail: 'required' })),
      mfaDetail: mfa ? { authMethod: 'OATH verification code', authDetail: null } : null,
      clientCredentialType: input.clientCredentialType,
      resourceDisplayName: resource?.displayName ?? null,
      resourceId: resource?.appId ?? null,
      resourceTenantId: input.tenant.id,
      homeTenantId: input.tenant.id,
      servicePrincipalId: input.servicePrincipalId ?? null,
      servicePrincipalName: input.servicePrincipalId ? client.displayName : null,
      sessionId: input.sid ?? null,
      tokenIssuerName: '',
      tokenIssuerType: 'AzureAD',
      uniqueTokenIdentifier: input.uti ?? null,
      riskDetail: 'none',
      riskLevelAggregated: 'none',
      riskLevelDuringSignIn: 'none',
      riskState: 'none',
      status: { errorCode: input.errorCode, failureReason: input.failureReason, additionalDetails: null },
      deviceDetail: {
        deviceId: '',
        displayName: null,
        operatingSystem: null,
        browser: null,
        isCompliant: null,
        isManaged: null,
        trustType: null,
      },
      location: { city: null, state: null, countryOrRegion: null, geoCoordinates: null },
    };
    this.events.push(event);
    return event;
  }
}
