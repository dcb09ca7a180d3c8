import { CairnError } from '../../core/errors.js';

/** SemVer 2.0 versions with a leading `v` (`v1.2.3`, `v1.0.0-rc.1+build.5`), as GTO writes them. Pure. */

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build: string;
}

const NUM = '0|[1-9]\\d*';
const PRE_ID = '0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*';
export const SEMVER_PATTERN = `v(${NUM})\\.(${NUM})\\.(${NUM})(?:-((?:${PRE_ID})(?:\\.(?:${PRE_ID}))*))?(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?`;
const SEMVER_RE = new RegExp(`^${SEMVER_PATTERN}$`);

/** The first version of a model, as GTO gives it. */
export const FIRST_VERSION = 'v0.0.1';

export type BumpPart = 'major' | 'minor' | 'patch';

export function parseSemVer(text: string): SemVer | null {
  const m = SEMVER_RE.exec(text);
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), prerelease: m[4] ? m[4].split('.') : [], build: m[5] ?? '' };
}

export function isSemVer(text: string): boolean {
  return SEMVER_RE.test(text);
}

/** Checks a version given by a user; the error says what the format is. */
export function checkSemVer(text: string, where = '--version'): string {
  if (isSemVer(text)) return text;
  const hint = /^\d+\.\d+\.\d+/.test(text) ? `write it with a leading "v": v${text}` : 'versions are SemVer with a leading "v", e.g. v1.0.0 or v2.1.0-rc.1';
  throw new CairnError('USAGE', `"${text}" (${where}) is not a version`, { hint, data: { version: text } });
}

/** SemVer precedence: numbers, then a release above its pre-releases, then pre-release identifiers; build is ignored. */
export function compareSemVer(a: string, b: string): number {
  const x = parseSemVer(a);
  const y = parseSemVer(b);
  if (!x || !y) throw new CairnError('INTERNAL', `cannot compare "${a}" with "${b}": not both versions`);
  for (const k of ['major', 'minor', 'patch'] as const) if (x[k] !== y[k]) return x[k] - y[k];
  if (x.prerelease.length === 0 || y.prerelease.length === 0) return y.prerelease.length - x.prerelease.length;
  for (let i = 0; i < Math.max(x.prerelease.length, y.prerelease.length); i++) {
    const p = x.prerelease[i];
    const q = y.prerelease[i];
    if (p === undefined) return -1;
    if (q === undefined) return 1;
    if (p === q) continue;
    const pn = /^\d+$/.test(p);
    const qn = /^\d+$/.test(q);
    if (pn && qn) return Number(p) - Number(q);
    if (pn !== qn) return pn ? -1 : 1;
    return p < q ? -1 : 1;
  }
  return 0;
}

/** The next version after `latest`: a bumped part resets the ones below it, and drops pre-release and build. */
export function bumpSemVer(latest: string, part: BumpPart): string {
  const v = parseSemVer(latest);
  if (!v) throw new CairnError('INTERNAL', `cannot bump "${latest}": not a version`);
  if (part === 'major') return `v${v.major + 1}.0.0`;
  if (part === 'minor') return `v${v.major}.${v.minor + 1}.0`;
  // As GTO (python-semver) bumps: a pre-release of x.y.z goes to x.y.(z+1) too.
  return `v${v.major}.${v.minor}.${v.patch + 1}`;
}
