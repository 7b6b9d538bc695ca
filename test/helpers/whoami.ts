/**
 * Asks the API server who a bearer token is (SelfSubjectReview), straight
 * over HTTPS: the answer is the API server's own mapping of the token.
 */
import { request } from 'node:https';

export type WhoAmI =
  | { status: 201; user: { username: string; groups: string[]; extra: Record<string, string[]> } }
  | { status: number; user?: undefined };

export function whoAmI(server: string, caPem: string, token: string): Promise<WhoAmI> {
  const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  return new Promise((resolve, reject) => {
    const req = request(
      `${server}/apis/authentication.k8s.io/v1/selfsubjectreviews`,
      {
        method: 'POST',
        ca: caPem,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          if (res.statusCode !== 201) return resolve({ status: res.statusCode ?? 0 });
          const review = JSON.parse(text) as {
            status: { userInfo: { username: string; groups?: string[]; extra?: Record<string, string[]> } };
          };
          const info = review.status.userInfo;
          resolve({
            status: 201,
            user: { username: info.username, groups: info.groups ?? [], extra: info.extra ?? {} },
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Waits until the API server accepts a good token: its JWT authenticator fetches the issuer's
 * discovery in the background after start, and no event says when it is ready. Throws after
 * `attempts` answers other than 201.
 */
export async function untilAccepted(
  server: string,
  caPem: string,
  token: string,
  { attempts = 100, intervalMs = 200 }: { attempts?: number; intervalMs?: number } = {},
): Promise<void> {
  for (let attempt = 1; (await whoAmI(server, caPem, token)).status !== 201; attempt++) {
    if (attempt >= attempts) throw new Error(`the API server ${server} never accepted a valid token`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
