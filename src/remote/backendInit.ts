import { CairnError } from '../core/errors.js';

/** What a backend factory receives: the remote's name, URL, its `remote.<name>.*` settings and the caller's environment. */
export interface BackendInit {
  name: string;
  url: string;
  settings: Record<string, string | number | boolean | undefined>;
  env: Record<string, string | undefined>;
}

/** A string setting, or undefined when absent; a wrong type is a clear config error. */
export function stringSetting(init: BackendInit, key: string): string | undefined {
  const value = init.settings[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') {
    throw new CairnError('INVALID', `remote "${init.name}": option ${key} must be a string, not ${typeof value}`, {
      hint: `fix it with \`cairn remote modify ${init.name} ${key} <value>\``,
    });
  }
  return value;
}

/** A positive whole-number setting (ports, job counts). */
export function intSetting(init: BackendInit, key: string): number | undefined {
  const value = init.settings[key];
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) {
    throw new CairnError('INVALID', `remote "${init.name}": option ${key} must be a positive whole number, not "${String(value)}"`, {
      hint: `fix it with \`cairn remote modify ${init.name} ${key} <value>\``,
    });
  }
  return n;
}

/** Checks a `meta/` key: relative, `/`-separated, no `..` or empty parts. */
export function assertMetaKey(remote: string, key: string): void {
  const ok = key.length > 0 && !key.startsWith('/') && !key.includes('\\') && !key.includes('\0')
    && key.split('/').every((p) => p !== '' && p !== '.' && p !== '..');
  if (!ok) throw new CairnError('INVALID', `remote "${remote}": bad metadata key "${key}"`, { hint: 'keys are relative paths like "runcache/ab/cd.json"' });
}

/** The error for a write to a read-only remote (http(s), or `read_only = true`); it changes nothing. */
export function readOnlyError(name: string, displayUrl: string, why: string): CairnError {
  return new CairnError('PERMISSION', `remote "${name}" (${displayUrl}) is read-only (${why})`, {
    hint: why === 'http'
      ? 'push to a writable remote (a directory, s3://, ssh://, webdav://) whose files this server publishes'
      : `use another remote, or \`cairn remote modify ${name} read_only false\` if it should accept writes`,
  });
}

/** Whether the `read_only` option is on. */
export function readOnlySetting(init: BackendInit): boolean {
  return init.settings.read_only === true || init.settings.read_only === 'true';
}
