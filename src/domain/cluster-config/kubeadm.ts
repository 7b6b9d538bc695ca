import { stringify } from 'yaml';

/**
 * Snippets that put the AuthenticationConfiguration file into a kubeadm or
 * kind control plane: the file is mounted into the kube-apiserver static pod
 * and named by `--authentication-config`.
 * kubeadm v1beta4 (Kubernetes >= 1.31) writes extraArgs as a list of
 * name/value pairs; v1beta3 as a map.
 * https://kubernetes.io/docs/reference/config-api/kubeadm-config.v1beta4/
 */
export const authenticationConfigDir = '/etc/kubernetes/kentra';
export const authenticationConfigPath = `${authenticationConfigDir}/authentication-config.yaml`;

function minorOf(kubernetesVersion: string | undefined): number {
  return Number(kubernetesVersion?.split('.')[1] ?? '34');
}

function apiServerSection(kubernetesVersion: string | undefined): Record<string, unknown> {
  const v1beta4 = minorOf(kubernetesVersion) >= 31;
  return {
    extraArgs: v1beta4
      ? [{ name: 'authentication-config', value: authenticationConfigPath }]
      : { 'authentication-config': authenticationConfigPath },
    extraVolumes: [
      {
        name: 'kentra-authentication',
        hostPath: authenticationConfigDir,
        mountPath: authenticationConfigDir,
        readOnly: true,
        pathType: 'DirectoryOrCreate',
      },
    ],
  };
}

export function renderKubeadmClusterConfiguration(
  kubernetesVersion: string | undefined,
): Record<string, unknown> {
  return {
    apiVersion: minorOf(kubernetesVersion) >= 31 ? 'kubeadm.k8s.io/v1beta4' : 'kubeadm.k8s.io/v1beta3',
    kind: 'ClusterConfiguration',
    apiServer: apiServerSection(kubernetesVersion),
  };
}

/** A kind cluster config; `hostFile` is where the AuthenticationConfiguration is saved next to it. */
export function renderKindCluster(
  kubernetesVersion: string | undefined,
  hostFile: string,
): Record<string, unknown> {
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    nodes: [
      {
        role: 'control-plane',
        extraMounts: [{ hostPath: hostFile, containerPath: authenticationConfigPath, readOnly: true }],
        // kind takes each kubeadm patch as YAML text.
        kubeadmConfigPatches: [
          stringify({ kind: 'ClusterConfiguration', apiServer: apiServerSection(kubernetesVersion) }),
        ],
      },
    ],
  };
}
