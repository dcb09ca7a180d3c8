import { CairnError, redactSecrets } from '../core/errors.js';
import { intSetting, stringSetting, type BackendInit } from './backendInit.js';
import type { SshTarget } from './sftpSession.js';

/** Parses `ssh://[user@]host[:port]/path` with the remote's settings (user, port, keyfile, password, known_hosts). */
export function sshTarget(init: BackendInit): SshTarget & { root: string } {
  let url: URL;
  try {
    url = new URL(init.url);
  } catch {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} is not a valid ssh:// URL`, {
      hint: 'use ssh://[user@]host[:port]/absolute/path',
    });
  }
  const root = decodeURIComponent(url.pathname);
  if (!url.hostname || !root || root === '/') {
    throw new CairnError('INVALID', `remote "${init.name}": ${redactSecrets(init.url)} needs a host and a folder path`, {
      hint: 'use ssh://[user@]host[:port]/absolute/path',
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

