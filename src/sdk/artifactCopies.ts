import { copyFileSync, cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { CairnError } from '../core/errors.js';

/** A relative folder inside the run's artifacts in POSIX form, or undefined for the artifacts' root. */
export function checkArtifactPath(artifactPath: string | undefined, what = 'artifactPath'): string | undefined {
  if (artifactPath === undefined) return undefined;
  if (typeof artifactPath !== 'string') throw new CairnError('INVALID', `${what} must be a string`);
  if (artifactPath.startsWith('/') || /^[A-Za-z]:/.test(artifactPath)) {
    throw new CairnError('INVALID', `${what} ${JSON.stringify(artifactPath)} must be relative (a folder inside the run's artifacts)`);
  }
  const parts = artifactPath.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) {
    throw new CairnError('INVALID', `${what} ${JSON.stringify(artifactPath)} must stay inside the run's artifacts (no '..')`);
  }
  return parts.length ? parts.join('/') : undefined;
}

/** Copies of logged artifacts in numbered folders under `<events file>.d/`, taken at log time. */
export class ArtifactCopies {
  private next = 0;
  private readonly root: string;
  private readonly eventsDir: string;

  constructor(eventsFile: string) {
    this.root = `${eventsFile}.d`;
    this.eventsDir = path.dirname(eventsFile);
  }

  /** Copies a file (stored as its basename) or a folder (its contents, or itself with `asContents` false). */
  copy(localPath: string, asContents: boolean): string {
    if (!existsSync(localPath)) throw new CairnError('NOT_FOUND', `cannot log artifact ${localPath}: no such file or folder`);
    const folder = this.newFolder();
    const isDir = statSync(localPath).isDirectory();
    if (isDir) {
      cpSync(localPath, asContents ? folder : path.join(folder, path.basename(path.resolve(localPath))), { recursive: true });
      return this.relative(folder);
    }
    if (asContents) throw new CairnError('INVALID', `logArtifacts takes a folder; ${localPath} is a file (use logArtifact)`);
    const target = path.join(folder, path.basename(localPath));
    copyFileSync(localPath, target);
    return this.relative(target);
  }

  /** Writes text as the basename of `artifactFile`; returns the line's artifact and its folder in the run. */
  writeText(text: string, artifactFile: string): { artifact: string; folder: string | undefined } {
    const checked = checkArtifactPath(artifactFile, 'artifactFile');
    if (!checked) throw new CairnError('INVALID', `artifactFile must be a file name such as "config.json", got ${JSON.stringify(artifactFile)}`);
    const target = path.join(this.newFolder(), path.posix.basename(checked));
    writeFileSync(target, text);
    const folder = path.posix.dirname(checked);
    return { artifact: this.relative(target), folder: folder === '.' ? undefined : folder };
  }

  private newFolder(): string {
    mkdirSync(this.root, { recursive: true });
    for (;;) {
      const folder = path.join(this.root, String(++this.next));
      try {
        mkdirSync(folder); // exclusive: two writers of one file never share a folder
        return folder;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
  }

  private relative(p: string): string {
    return path.relative(this.eventsDir, p).split(path.sep).join('/');
  }
}

/** JSON, or YAML for a .yaml/.yml name, as MLflow's log_dict chooses. */
export function dictText(value: unknown, artifactFile: string): string {
  return /\.ya?ml$/i.test(artifactFile) ? stringify(value) : `${JSON.stringify(value, null, 2)}\n`;
}
