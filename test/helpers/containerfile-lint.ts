/**
 * A small Containerfile linter for the rules the webhook image must keep
 * (hadolint is not on the test machines): pinned base images, a small final
 * base, a numeric non-root USER after the last COPY, no RUN in the final stage
 * (the distroless base has no shell, and nothing is written at run time), exec
 * form ENTRYPOINT/CMD, COPY rather than ADD, `npm ci` rather than `npm install`,
 * and a binary that the running user cannot modify.
 */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with line continuations joined and comments dropped. */
export function parseContainerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending) pending.args = `${pending.args} ${body}`.trim();
    else {
      const [keyword = '', ...rest] = body.split(/\s+/);
      pending = { keyword: keyword.toUpperCase(), args: rest.join(' '), line: index + 1 };
    }
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  });
  if (pending) out.push(pending);
  return out;
}

const smallBases = [
  /^gcr\.io\/distroless\//,
  /^cgr\.dev\/chainguard\//,
  /^(docker\.io\/library\/)?alpine:/,
  /^scratch$/,
];

export function lintContainerfile(text: string): string[] {
  const problems: string[] = [];
  const instructions = parseContainerfile(text);
  const stages: Instruction[][] = [];
  const names: string[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      stages.push([]);
      const [image = '', as, name] = instruction.args.split(/\s+/);
      if (as?.toUpperCase() === 'AS' && name) names.push(name);
      if (image !== 'scratch' && !/^[\w.\-/]+(:[\w.-]+)?(@sha256:[a-f0-9]{64})?$/.test(image))
        problems.push(`line ${instruction.line}: cannot read the image "${image}"`);
      else if (image !== 'scratch' && !/[:@]/.test(image.replace(/^[^/]*:\d+\//, '')))
        problems.push(`line ${instruction.line}: ${image} is not pinned to a tag or digest`);
      else if (/:latest(@|$)/.test(image)) problems.push(`line ${instruction.line}: ${image} uses :latest`);
    }
    stages[stages.length - 1]?.push(instruction);
  }
  if (stages.length === 0) return ['no FROM'];
  const final = stages[stages.length - 1] as Instruction[];
  const base = final[0]?.args.split(/\s+/)[0] ?? '';
  if (!smallBases.some((pattern) => pattern.test(base)))
    problems.push(
      `the final stage's base ${base} is not a small base (distroless, chainguard, alpine, scratch)`,
    );
  for (const instruction of instructions) {
    if (instruction.keyword === 'ADD') problems.push(`line ${instruction.line}: ADD (use COPY)`);
    if (instruction.keyword === 'RUN' && /\bnpm install\b/.test(instruction.args))
      problems.push(`line ${instruction.line}: npm install (use npm ci: the lock file decides)`);
    if (instruction.keyword === 'COPY') {
      const from = /--from=(\S+)/.exec(instruction.args)?.[1];
      if (from && !names.includes(from))
        problems.push(`line ${instruction.line}: COPY --from=${from} names no stage`);
    }
  }
  for (const instruction of final) {
    if (instruction.keyword === 'RUN') problems.push(`line ${instruction.line}: RUN in the final stage`);
    if (['ENTRYPOINT', 'CMD'].includes(instruction.keyword) && !instruction.args.startsWith('['))
      problems.push(`line ${instruction.line}: ${instruction.keyword} is not in exec form`);
  }
  const users = final.filter((instruction) => instruction.keyword === 'USER');
  const user = users[users.length - 1];
  if (!user) problems.push('the final stage sets no USER (it would run as root)');
  else {
    const [uid = '', gid] = user.args.split(':');
    if (!/^\d+$/.test(uid) || Number(uid) === 0 || (gid !== undefined && !/^\d+$/.test(gid)))
      problems.push(
        `line ${user.line}: USER ${user.args} is not a numeric non-root user (runAsNonRoot needs a number)`,
      );
    const lastCopy = final.filter((instruction) => instruction.keyword === 'COPY').pop();
    if (lastCopy && lastCopy.line > user.line) problems.push(`line ${lastCopy.line}: COPY after USER`);
  }
  for (const copy of final.filter((instruction) => instruction.keyword === 'COPY')) {
    const mode = /--chmod=(\d+)/.exec(copy.args)?.[1];
    if (!mode || (Number.parseInt(mode, 8) & 0o222) !== 0)
      problems.push(`line ${copy.line}: the copied files are writable (give --chmod without write bits)`);
    if (!/--chown=0:0\b/.test(copy.args))
      problems.push(`line ${copy.line}: the copied files are not owned by root`);
  }
  if (!final.some((instruction) => instruction.keyword === 'ENTRYPOINT')) problems.push('no ENTRYPOINT');
  return problems;
}
