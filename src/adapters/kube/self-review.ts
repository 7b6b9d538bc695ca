/**
 * "Who am I to this API server?": a SelfSubjectReview (authentication.k8s.io/v1,
 * GA since 1.28) made with the user's own credentials. The answer is the API
 * server's mapping of the token (username, groups, extra), not kentra's guess.
 * 401 and 403 are answers too (not authenticated / not authorized), so they are
 * returned rather than thrown; an unreachable server still throws.
 * https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/self-subject-review-v1/
 */
import type { SelfReview } from '../../domain/verify/facts.js';
import { type KubeClient, KubeRequestError } from './client.js';

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; groups?: string[]; extra?: Record<string, string[]> } };
}

export async function selfSubjectReview(client: Pick<KubeClient, 'create'>): Promise<SelfReview> {
  try {
    const review = await client.create<SelfSubjectReview>(
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'SelfSubjectReview',
      },
    );
    const info = review.status?.userInfo ?? {};
    return {
      accepted: true,
      user: { username: info.username ?? '', groups: info.groups ?? [], extra: info.extra ?? {} },
    };
  } catch (error) {
    if (error instanceof KubeRequestError)
      return { accepted: false, status: error.status, message: error.reason ?? error.message };
    throw error;
  }
}
