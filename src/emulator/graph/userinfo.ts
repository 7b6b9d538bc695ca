/**
 * The OIDC UserInfo endpoint. Entra serves it on Microsoft Graph
 * (https://graph.microsoft.com/oidc/userinfo) and wants a Graph access token;
 * `sub` is the same pairwise value as in the client's ID token.
 */
import type { EmulatorContext } from '../context.js';
import { GraphFailure } from '../errors.js';
import { type Exchange, sendJson } from '../http.js';
import { pairwiseSubject } from '../tokens.js';
import { authenticate } from './request.js';

export async function handleUserInfo(ctx: EmulatorContext, ex: Exchange): Promise<void> {
  const { tenant, caller } = await authenticate(ctx, ex);
  if (caller.kind !== 'user')
    throw new GraphFailure(401, 'InvalidAuthenticationToken', 'UserInfo needs a token for a signed-in user.');
  const { user } = caller;
  sendJson(ex.res, 200, {
    sub: pairwiseSubject(tenant, caller.appId, user.id),
    name: user.displayName,
    ...(user.surname ? { family_name: user.surname } : {}),
    ...(user.givenName ? { given_name: user.givenName } : {}),
    ...(user.mail ? { email: user.mail } : {}),
  });
}
