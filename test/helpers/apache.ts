import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';
import { freePort } from './freePort.js';
import { service } from './service.js';

/** A real Apache httpd with mod_dav on 127.0.0.1: `/dav/` is open, `/secure/` needs basic auth. */
export interface ApacheDav {
  port: number;
  /** Folder served at /dav/ (and /secure/ serves `secureDir`). */
  davDir: string;
  secureDir: string;
  user: string;
  password: string;
  /** webdav://127.0.0.1:<port>/dav/<sub> */
  url(sub: string): string;
  secureUrl(sub: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

const MODULES = ['mpm_event', 'authz_core', 'authz_user', 'authn_core', 'authn_file', 'auth_basic', 'dav', 'dav_fs', 'alias'];

function userId(name: string): number {
  const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`user ${name} does not exist: ${r.stderr}`);
  return Number(r.stdout.trim());
}

export async function startApacheDav(): Promise<ApacheDav> {
  const tmp = tempDir('cairn-apache-');
  const base = tmp.dir;
  const port = await freePort();
  const davDir = path.join(base, 'dav');
  const secureDir = path.join(base, 'secure');
  const run = path.join(base, 'run');
  for (const d of [davDir, secureDir, run]) mkdirSync(d);
  // Apache refuses to serve as root; its worker user www-data must own what it writes.
  const uid = userId('www-data');
  for (const d of [base, davDir, secureDir, run]) chownSync(d, uid, uid);
  const user = 'alice';
  const password = 'pa55-w0rd';
  writeFileSync(path.join(base, 'htpasswd'), `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`);
  const config = path.join(base, 'httpd.conf');
  writeFileSync(config, [
    `ServerRoot ${base}`,
    'ServerName 127.0.0.1',
    `Listen 127.0.0.1:${port}`,
    ...MODULES.map((m) => `LoadModule ${m}_module /usr/lib/apache2/modules/mod_${m}.so`),
    'User www-data',
    'Group www-data',
    `PidFile ${path.join(run, 'httpd.pid')}`,
    `ErrorLog ${path.join(base, 'error.log')}`,
    'LogLevel warn',
    `DavLockDB ${path.join(run, 'davlock')}`,
    `Mutex file:${run}`,
    `DefaultRuntimeDir ${run}`,
    'LimitRequestBody 0',
    // Keep connections open for the client's whole run, so tests do not race the server closing idle ones.
    'KeepAlive On',
    'MaxKeepAliveRequests 0',
    'KeepAliveTimeout 60',
    `Alias /dav ${davDir}`,
    `<Directory ${davDir}>`,
    '  Dav On',
    '  Require all granted',
    '</Directory>',
    `Alias /secure ${secureDir}`,
    `<Directory ${secureDir}>`,
    '  Dav On',
    '  AuthType Basic',
    '  AuthName "cairn test"',
    '  AuthBasicProvider file',
    `  AuthUserFile ${path.join(base, 'htpasswd')}`,
    '  Require valid-user',
    '</Directory>',
    '',
  ].join('\n'));

  const { start, stop } = service({
    name: 'apache2',
    command: '/usr/sbin/apache2',
    args: ['-f', config, '-DFOREGROUND'],
    port,
    logFile: path.join(base, 'error.log'),
    detached: true,
    kill: (proc) => {
      try {
        // The whole group: the parent and its worker processes.
        process.kill(-proc.pid!, 'SIGKILL');
      } catch {
        proc.kill('SIGKILL');
      }
    },
  });
  await start();
  return {
    port,
    davDir,
    secureDir,
    user,
    password,
    url: (sub) => `webdav://127.0.0.1:${port}/dav/${sub}`,
    secureUrl: (sub) => `webdav://127.0.0.1:${port}/secure/${sub}`,
    stop,
    start,
    cleanup: async () => {
      await stop();
      tmp.cleanup();
    },
  };
}
