import { CairnError, redactSecrets } from '../core/errors.js';
import { intSetting, stringSetting, type BackendInit } from './backendInit.js';
import type { SshTarget } from './sftpSession.js';

/** Parses `ssh://[user@]host[:port]/path` (`/~/path`: below the login's home) with the remote's settings (user, port, keyfile, password, known_hosts). */
export function sshTarget(init: BackendInit): SshTarget & { root: string } {
  let url: URL;
  try {
    url = new URL(init.url);
  } catch {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} is not a valid ssh:// URL`, {
      hint: 'use ssh://[user@]host[:port]/absolute/path',
    });
  }
  const decoded = decodeURIComponent(url.pathname);
  // `/~/data` names a folder in the login's home: SFTP resolves relative paths against it.
  const root = decoded.startsWith('/~/') ? decoded.slice(3) : decoded;
  if (!url.hostname || !root || root === '/' || decoded === '/~' || decoded === '/~/') {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} needs a host and a folder path`, {
      hint: 'use ssh://[user@]host[:port]/absolute/path (or /~/path for a folder in the home directory)',
    });
  }
  const user = stringSetting(init, 'user') ?? (url.username ? decodeURIComponent(url.username) : undefined)
    ?? init.env.USER ?? init.env.LOGNAME ?? 'root';
  const password = stringSetting(init, 'password') ?? (url.password ? decodeURIComponent(url.password) : undefined);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    remote: init.name,
    displayUrl: redactSecrets(init.url),
    host,
    port: intSetting(init, 'port') ?? (url.port ? Number(url.port) : 22),
    user,
    password,
    keyfile: stringSetting(init, 'keyfile'),
    passphrase: stringSetting(init, 'key_passphrase'),
    knownHosts: stringSetting(init, 'known_hosts'),
    env: init.env,
    channels: 4,
    root: root.replace(/\/+$/, ''),
  };
}

