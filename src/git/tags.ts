import { CairnError } from '../core/errors.js';
import { git } from './git.js';

/** Annotated and lightweight tags: listing with their tagger, date and message, creating, rewriting, deleting, pushing. */

export interface TagInfo {
  /** The tag's name, without `refs/tags/`. */
  name: string;
  /** The commit the tag points at (peeled). */
  commit: string;
  /** Whether it is an annotated tag (a tag object); lightweight tags have no tagger, date or message. */
  annotated: boolean;
  tagger: string;
  taggerEmail: string;
  /** Tagger time in ms (the commit's committer time for a lightweight tag). */
  time: number;
  /** The whole message of an annotated tag ('' for a lightweight one). */
  message: string;
}

const SEP = '\x1f';
const END = '\x1e';

/** Every tag under `refs/tags/` matching the glob patterns (all when empty), in one `git for-each-ref`. */
export async function listTags(cwd: string, patterns: string[] = []): Promise<TagInfo[]> {
  const fields = ['%(refname:strip=2)', '%(objecttype)', '%(objectname)', '%(*objectname)', '%(taggername)', '%(taggeremail:trim)', '%(taggerdate:unix)', '%(committerdate:unix)', '%(contents)'];
  const refs = patterns.length ? patterns.map((p) => `refs/tags/${p}`) : ['refs/tags'];
  const r = await git(cwd, ['for-each-ref', `--format=${fields.join(SEP)}${END}`, ...refs]);
  return r.stdout.split(END).map((s) => s.replace(/^\n/, '')).filter(Boolean).map((line) => {
    const [name, type, object, peeled, tagger, email, tagTime, commitTime, message] = line.split(SEP);
    const annotated = type === 'tag';
    return {
      name,
      commit: annotated ? peeled : object,
      annotated,
      tagger: tagger ?? '',
      taggerEmail: email ?? '',
      time: Number(annotated ? tagTime : commitTime) * 1000,
      message: annotated ? (message ?? '') : '',
    };
  });
}

export interface CreateTagOptions {
  name: string;
  commit: string;
  message: string;
  /** Replace a tag of that name (used to rewrite a tag's message on the same commit). */
  force?: boolean;
  /** Keep an earlier tagger and date (a rewrite keeps who tagged, and when). */
  tagger?: { name: string; email: string; time: number };
}

/**
 * Creates an annotated tag with the message exactly as given (no comment stripping). Without `force`, an existing
 * tag of that name is a CONFLICT and nothing changes.
 */
export async function createAnnotatedTag(cwd: string, options: CreateTagOptions): Promise<void> {
  const env: Record<string, string> = {};
  if (options.tagger) {
    env.GIT_COMMITTER_NAME = options.tagger.name;
    env.GIT_COMMITTER_EMAIL = options.tagger.email;
    env.GIT_COMMITTER_DATE = `@${Math.floor(options.tagger.time / 1000)} +0000`;
  }
  const ident = await git(cwd, ['var', 'GIT_COMMITTER_IDENT'], { allowFail: true, env });
  const identArgs = ident.code === 0 ? [] : ['-c', 'user.name=cairn', '-c', 'user.email=cairn@localhost'];
  const args = [...identArgs, 'tag', '-a', '--cleanup=verbatim', ...(options.force ? ['-f'] : []), '-F', '-', options.name, options.commit];
  const r = await git(cwd, args, { input: options.message, allowFail: true, env });
  if (r.code !== 0) {
    if (/already exists/.test(r.stderr)) {
      throw new CairnError('CONFLICT', `Git tag ${options.name} exists already`, { hint: 'fetch the other tags (`git fetch --tags`) and try again', data: { tag: options.name } });
    }
    throw new CairnError('USAGE', `could not create Git tag ${options.name}: ${r.stderr.trim().split('\n').pop()}`, { data: { tag: options.name } });
  }
}

export async function deleteTag(cwd: string, name: string): Promise<void> {
  await git(cwd, ['tag', '-d', name]);
}

/** Pushes tags to a Git remote; a tag the remote has with other content is a CONFLICT naming it. */
export async function pushTags(cwd: string, remote: string, names: string[], options: { force?: boolean } = {}): Promise<void> {
  const refspecs = names.map((n) => `${options.force ? '+' : ''}refs/tags/${n}:refs/tags/${n}`);
  const r = await git(cwd, ['push', '--porcelain', remote, ...refspecs], { allowFail: true });
  if (r.code === 0) return;
  const rejected = r.stdout.split('\n').filter((l) => l.startsWith('!')).map((l) => l.split('\t')[1]?.split(':')[1]?.replace(/^refs\/tags\//, '')).filter(Boolean);
  if (rejected.length) {
    throw new CairnError('CONFLICT', `the Git remote ${remote} already has ${rejected.join(', ')} with other content`, {
      hint: 'someone pushed the same tag first: fetch their tags (`git fetch --tags`) and try again',
      data: { rejected },
    });
  }
  throw new CairnError('REMOTE', `git push of tags to ${remote} failed: ${r.stderr.trim().split('\n').pop()}`, { hint: 'check the Git remote name or URL and your access to it' });
}

/** Fetches the tags matching `patterns` from a Git remote, never overwriting a local tag of the same name. */
export async function fetchTags(cwd: string, remote: string, patterns: string[]): Promise<void> {
  const refspecs = patterns.map((p) => `refs/tags/${p}:refs/tags/${p}`);
  const r = await git(cwd, ['fetch', '--no-tags', '--quiet', remote, ...refspecs], { allowFail: true });
  if (r.code !== 0 && !/would clobber existing tag|already exists/.test(r.stderr)) {
    throw new CairnError('REMOTE', `git fetch of tags from ${remote} failed: ${r.stderr.trim().split('\n').pop()}`, { hint: 'check the Git remote name or URL and your access to it' });
  }
}

/** The remote a branch pushes to (`branch.<b>.remote`), else `origin` when it exists, else null. */
export async function defaultPushRemote(cwd: string): Promise<string | null> {
  const branch = (await git(cwd, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFail: true })).stdout.trim();
  if (branch) {
    const r = await git(cwd, ['config', '--get', `branch.${branch}.remote`], { allowFail: true });
    if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  const remotes = (await git(cwd, ['remote'], { allowFail: true })).stdout.split('\n').filter(Boolean);
  return remotes.includes('origin') ? 'origin' : (remotes[0] ?? null);
}
