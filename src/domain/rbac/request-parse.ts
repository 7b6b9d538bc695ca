/**
 * Parses the RESOURCE argument of `kentra access explain` into request attributes.
 *
 *   pods                      core group
 *   pods/log                  subresource (as written in RBAC rules)
 *   deployments.apps          named group (as `kubectl get deployments.apps`)
 *   deployments.apps/scale    both
 *   /healthz                  a non-resource URL (starts with /)
 */
import { KentraError } from '../../errors.js';
import type { AccessRequest } from './model.js';

export interface RequestArgs {
  readonly verb: string;
  readonly resource: string;
  readonly namespace: string;
  readonly name: string;
}

export function parseAccessRequest(args: RequestArgs): AccessRequest {
  const { verb, resource, namespace, name } = args;
  if (verb === '')
    throw new KentraError('usage', 'VERB is empty', { hint: 'e.g. get, list, create, delete, *' });
  if (resource.startsWith('/')) {
    if (namespace !== '' || name !== '')
      throw new KentraError('usage', `${resource} is a non-resource URL: it has no namespace or name`, {
        hint: 'Drop -n/--name, or give a resource such as pods.',
      });
    return { verb, path: resource };
  }
  const slash = resource.indexOf('/');
  const typed = slash < 0 ? resource : resource.slice(0, slash);
  const subresource = slash < 0 ? '' : resource.slice(slash + 1);
  const dot = typed.indexOf('.');
  const plural = dot < 0 ? typed : typed.slice(0, dot);
  const apiGroup = dot < 0 ? '' : typed.slice(dot + 1);
  if (plural === '' || (slash >= 0 && subresource === ''))
    throw new KentraError('usage', `"${resource}" is not a resource`, {
      hint: 'Write RESOURCE[.GROUP][/SUBRESOURCE] as in RBAC rules (pods, pods/log, deployments.apps/scale) or a /path.',
    });
  return { verb, apiGroup, resource: plural, subresource, name, namespace };
}
