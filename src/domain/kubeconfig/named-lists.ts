/** The three lists of named entries a kubeconfig holds, and the key of each entry's body. */
export const namedLists = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const;

export type EntryKind = (typeof namedLists)[number][1];
