/**
 * Checks the rendered release manifests against the rules their consumers
 * enforce, so a release never ships one that krew, Homebrew or winget would
 * refuse. Each check returns the problems found (empty: fine).
 *
 * - krew: kubernetes-sigs/krew internal/index/validation/validate.go (apiVersion,
 *   name, semver with "v", one-line shortDescription, per platform: os/arch
 *   selector, uri, lower-case hex sha256, bin, files with from/to; `.exe` on Windows).
 * - winget: the required properties, constants, patterns and enums of the
 *   manifest.{version,installer,defaultLocale}.1.6.0 JSON schemas
 *   (microsoft/winget-cli schemas/JSON/manifests/v1.6.0).
 * - Homebrew: the formula's structure (Ruby's own `ruby -c` is run by the test
 *   when Ruby exists; this machine has none) and the `brew audit` rules for desc.
 */
import { parse } from 'yaml';

type Json = Record<string, unknown>;

const goOs = ['linux', 'darwin', 'windows'];
const goArch = ['amd64', 'arm64'];

export function checkKrewManifest(text: string, fileName: string): string[] {
  const problems: string[] = [];
  const doc = parse(text) as Json;
  const metadata = (doc.metadata ?? {}) as Json;
  const spec = (doc.spec ?? {}) as Json;
  if (doc.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2')
    problems.push(`apiVersion is ${String(doc.apiVersion)}`);
  if (doc.kind !== 'Plugin') problems.push(`kind is ${String(doc.kind)}`);
  const name = String(metadata.name ?? '');
  if (!/^[\w-]+$/.test(name)) problems.push(`metadata.name "${name}" is not [\\w-]+`);
  if (fileName !== `${name}.yaml`) problems.push(`the file is ${fileName}, krew wants ${name}.yaml`);
  if (!/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(String(spec.version)))
    problems.push(`spec.version "${String(spec.version)}" is not semver with a leading v`);
  const short = spec.shortDescription;
  if (typeof short !== 'string' || short === '' || short.includes('\n'))
    problems.push('spec.shortDescription must be one non-empty line');
  if (typeof spec.description !== 'string' || spec.description === '')
    problems.push('spec.description is missing');
  const platforms = Array.isArray(spec.platforms) ? (spec.platforms as Json[]) : [];
  if (platforms.length === 0) problems.push('spec.platforms is empty');
  const seen = new Set<string>();
  platforms.forEach((platform, index) => {
    const at = `spec.platforms[${index}]`;
    const labels = ((platform.selector as Json | undefined)?.matchLabels ?? {}) as Json;
    const keys = Object.keys(labels);
    if (keys.length === 0 || keys.some((key) => key !== 'os' && key !== 'arch'))
      problems.push(`${at}.selector.matchLabels must hold os and/or arch only`);
    if (!goOs.includes(String(labels.os))) problems.push(`${at}: os "${String(labels.os)}" is not a GOOS`);
    if (!goArch.includes(String(labels.arch)))
      problems.push(`${at}: arch "${String(labels.arch)}" is not a GOARCH`);
    const selector = `${String(labels.os)}/${String(labels.arch)}`;
    if (seen.has(selector)) problems.push(`${at}: ${selector} appears twice (only the first would be used)`);
    seen.add(selector);
    if (!/^https?:\/\/\S+$/.test(String(platform.uri ?? ''))) problems.push(`${at}.uri is not a URL`);
    if (!/^[a-f0-9]{64}$/.test(String(platform.sha256 ?? '')))
      problems.push(`${at}.sha256 is not 64 lower-case hex digits`);
    const bin = String(platform.bin ?? '');
    if (bin === '') problems.push(`${at}.bin is missing`);
    if (labels.os === 'windows' && !bin.endsWith('.exe'))
      problems.push(`${at}.bin must end in .exe on Windows`);
    const files = platform.files;
    if (files !== undefined) {
      if (!Array.isArray(files) || files.length === 0) problems.push(`${at}.files is empty`);
      else
        for (const file of files as Json[])
          if (typeof file.from !== 'string' || typeof file.to !== 'string')
            problems.push(`${at}.files entries need from and to`);
    }
  });
  return problems;
}

// The schema's patterns exclude control characters on purpose.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the winget schema's own pattern
const identifier = /^[^.\s\\/:*?"<>|\x01-\x1f]{1,32}(\.[^.\s\\/:*?"<>|\x01-\x1f]{1,32}){1,7}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the winget schema's own pattern
const version = /^[^\\/:*?"<>|\x01-\x1f]+$/;
const locale = /^([a-zA-Z]{2,3}|[iI]-[a-zA-Z]+|[xX]-[a-zA-Z]{1,8})(-[a-zA-Z]{1,8})*$/;
const manifestVersion = /^(0|[1-9][0-9]{0,4})(\.(0|[1-9][0-9]{0,4})){2}$/;
const url = /^([Hh][Tt][Tt][Pp][Ss]?):\/\/.+$/;
const installerTypes = [
  'msix',
  'msi',
  'appx',
  'exe',
  'zip',
  'inno',
  'nullsoft',
  'wix',
  'burn',
  'pwa',
  'portable',
];
const architectures = ['x86', 'x64', 'arm', 'arm64', 'neutral'];

function required(doc: Json, fields: readonly string[], file: string, problems: string[]): void {
  for (const field of fields)
    if (doc[field] === undefined || doc[field] === null || doc[field] === '')
      problems.push(`${file}: ${field} is required`);
}

function length(doc: Json, field: string, min: number, max: number, file: string, problems: string[]): void {
  const value = doc[field];
  if (value === undefined) return;
  if (typeof value !== 'string' || value.length < min || value.length > max)
    problems.push(`${file}: ${field} must be a string of ${min}..${max} characters`);
}

/** `files`: file name -> YAML text of the version, installer and defaultLocale manifests. */
export function checkWingetManifests(files: Record<string, string>): string[] {
  const problems: string[] = [];
  const docs = Object.entries(files).map(([file, text]) => ({ file, doc: parse(text) as Json }));
  const byType = (type: string) => docs.filter(({ doc }) => doc.ManifestType === type);
  for (const type of ['version', 'installer', 'defaultLocale'])
    if (byType(type).length !== 1)
      problems.push(`expected one ${type} manifest, found ${byType(type).length}`);
  for (const { file, doc } of docs) {
    required(doc, ['PackageIdentifier', 'PackageVersion', 'ManifestType', 'ManifestVersion'], file, problems);
    if (!identifier.test(String(doc.PackageIdentifier)) || String(doc.PackageIdentifier).length > 128)
      problems.push(`${file}: PackageIdentifier does not match the schema's pattern`);
    if (!version.test(String(doc.PackageVersion)))
      problems.push(`${file}: PackageVersion has forbidden characters`);
    if (!manifestVersion.test(String(doc.ManifestVersion)))
      problems.push(`${file}: ManifestVersion is not x.y.z`);
    const id = String(doc.PackageIdentifier);
    const expected =
      doc.ManifestType === 'version'
        ? `${id}.yaml`
        : doc.ManifestType === 'installer'
          ? `${id}.installer.yaml`
          : `${id}.locale.${String(doc.PackageLocale)}.yaml`;
    if (file !== expected) problems.push(`${file}: winget-pkgs names this file ${expected}`);
  }
  const ids = new Set(
    docs.map(({ doc }) => `${String(doc.PackageIdentifier)}@${String(doc.PackageVersion)}`),
  );
  if (ids.size > 1)
    problems.push(`the manifests disagree on PackageIdentifier/PackageVersion: ${[...ids].join(', ')}`);

  for (const { file, doc } of byType('version')) {
    required(doc, ['DefaultLocale'], file, problems);
    if (!locale.test(String(doc.DefaultLocale))) problems.push(`${file}: DefaultLocale is not a locale`);
  }
  for (const { file, doc } of byType('installer')) {
    required(doc, ['Installers'], file, problems);
    const installers = Array.isArray(doc.Installers) ? (doc.Installers as Json[]) : [];
    if (installers.length === 0) problems.push(`${file}: Installers must hold at least one installer`);
    const commands = doc.Commands;
    if (commands !== undefined && (!Array.isArray(commands) || commands.length > 16))
      problems.push(`${file}: Commands must be a list of at most 16`);
    for (const command of Array.isArray(commands) ? commands : [])
      if (typeof command !== 'string' || command.length < 1 || command.length > 40)
        problems.push(`${file}: each command is 1..40 characters`);
    installers.forEach((installer, index) => {
      const at = `${file}: Installers[${index}]`;
      const type = installer.InstallerType ?? doc.InstallerType;
      if (!installerTypes.includes(String(type)))
        problems.push(`${at}: InstallerType "${String(type)}" is not known`);
      if (!architectures.includes(String(installer.Architecture)))
        problems.push(`${at}: Architecture "${String(installer.Architecture)}" is not known`);
      if (!url.test(String(installer.InstallerUrl ?? '')))
        problems.push(`${at}: InstallerUrl is not http(s)`);
      if (!/^[A-Fa-f0-9]{64}$/.test(String(installer.InstallerSha256 ?? '')))
        problems.push(`${at}: InstallerSha256 is not 64 hex digits`);
    });
  }
  for (const { file, doc } of byType('defaultLocale')) {
    required(
      doc,
      ['PackageLocale', 'Publisher', 'PackageName', 'License', 'ShortDescription'],
      file,
      problems,
    );
    if (!locale.test(String(doc.PackageLocale))) problems.push(`${file}: PackageLocale is not a locale`);
    length(doc, 'Publisher', 2, 256, file, problems);
    length(doc, 'PackageName', 2, 256, file, problems);
    length(doc, 'License', 3, 512, file, problems);
    length(doc, 'ShortDescription', 3, 256, file, problems);
    length(doc, 'Description', 3, 10000, file, problems);
    if (doc.PackageUrl !== undefined && !url.test(String(doc.PackageUrl)))
      problems.push(`${file}: PackageUrl is not http(s)`);
    const tags = doc.Tags;
    if (
      tags !== undefined &&
      (!Array.isArray(tags) || tags.length > 16 || tags.some((tag) => String(tag).length > 40))
    )
      problems.push(`${file}: Tags are at most 16, each at most 40 characters`);
  }
  return problems;
}

/** Structure of a Homebrew formula, and `brew audit`'s rules for `desc`. */
export function checkHomebrewFormula(text: string): string[] {
  const problems: string[] = [];
  const lines = text.split('\n').map((line) => line.replace(/#.*$/, '').trim());
  // do/end balance, counting the openers a formula uses.
  let depth = 0;
  for (const line of lines) {
    if (/^(class .* < Formula|def \w+)$/.test(line) || /\bdo$/.test(line)) depth++;
    if (line === 'end') depth--;
    if (depth < 0) problems.push('an `end` closes nothing');
  }
  if (depth !== 0) problems.push(`${depth} block(s) are not closed with end`);
  if (!/^class [A-Z][A-Za-z0-9]* < Formula$/m.test(text)) problems.push('no `class Name < Formula` line');
  const desc = /^ {2}desc "(.*)"$/m.exec(text)?.[1];
  if (!desc) problems.push('desc is missing');
  else {
    if (desc.length > 80) problems.push('desc is longer than 80 characters');
    if (/^(a|an|the)\b/i.test(desc)) problems.push('desc starts with an article');
    if (desc.endsWith('.')) problems.push('desc ends with a full stop');
  }
  for (const stanza of ['homepage', 'license', 'version'])
    if (!new RegExp(`^ {2}${stanza} ".+"$`, 'm').test(text)) problems.push(`${stanza} is missing`);
  const urls = [...text.matchAll(/^ +url "(.+)"$/gm)].length;
  const sums = [...text.matchAll(/^ +sha256 "([a-f0-9]{64})"$/gm)].length;
  if (urls === 0 || urls !== sums) problems.push(`${urls} url(s) but ${sums} well-formed sha256 line(s)`);
  if (!/^ {2}def install$/m.test(text) || !/bin\.install /.test(text))
    problems.push('install does not install a binary');
  if (!/^ {2}test do$/m.test(text)) problems.push('the test block is missing');
  return problems;
}

/** Every check over the output of renderManifests (paths like krew/entra.yaml, winget/…). */
export function checkManifests(rendered: Record<string, string>): string[] {
  const winget: Record<string, string> = {};
  const problems: string[] = [];
  for (const [path, text] of Object.entries(rendered)) {
    const [folder, file = ''] = path.split('/');
    if (folder === 'krew') problems.push(...checkKrewManifest(text, file).map((p) => `${path}: ${p}`));
    else if (folder === 'homebrew') problems.push(...checkHomebrewFormula(text).map((p) => `${path}: ${p}`));
    else if (folder === 'winget') winget[file] = text;
    else problems.push(`${path}: not a known manifest`);
  }
  return [...problems, ...checkWingetManifests(winget).map((p) => `winget/${p}`)];
}
