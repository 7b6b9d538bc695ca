/** A kubeconfig whose user presents a bearer token (what `kentra get-token` will hand kubectl). */
import { stringify } from 'yaml';

export function tokenKubeconfig(server: string, caPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'entra',
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') },
      },
    ],
    users: [{ name: 'entra-user', user: { token } }],
    contexts: [{ name: 'entra', context: { cluster: 'entra', user: 'entra-user' } }],
    'current-context': 'entra',
  });
}
