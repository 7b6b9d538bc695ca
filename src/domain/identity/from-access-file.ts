/** The JWT authenticator an access file describes (for rendering and for evaluation). */
import type { AccessFile } from '../access/model.js';
import { type JwtAuthenticator, jwtAuthenticator } from './authenticator.js';

export function authenticatorFromAccessFile(file: AccessFile, clientId: string): JwtAuthenticator {
  return jwtAuthenticator({
    issuer: file.tenant.issuer,
    audiences: [clientId, ...file.app.audiences],
    identity: file.identity,
    policy: file.policy,
  });
}
