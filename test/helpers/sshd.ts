import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';
import { freePort } from './freePort.js';
import { service } from './service.js';

/** A real OpenSSH server on 127.0.0.1 with generated keys, serving SFTP from the whole file system (tests run as root). */
export interface Sshd {
  port: number;
  user: string;
  /** A folder the tests may use as remote storage. */
  dataDir: string;
  /** Where relative SFTP paths (`ssh://host/~/x`) land: internal-sftp starts there. */
  sftpHome: string;
  /** Private key the server accepts. */
  clientKey: string;
  /** A known_hosts file that trusts this server (`[127.0.0.1]:port` form). */
  knownHosts: string;
  /** The server's host public key line ("ssh-ed25519 AAAA..."). */
  hostKeyLine: string;
  /** A HOME folder with .ssh/id_ed25519 and .ssh/known_hosts set up for this server. */
  home: string;
  /** ssh://root@127.0.0.1:<port><dataDir>/<sub> */
  url(sub: string): string;
  /** Lets another public key ("ssh-ed25519 AAAA...") log in. */
  authorize(publicKeyLine: string): void;
  /** Kills the server (the fault tests restart it with `start`). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes every temp file. */
  cleanup(): Promise<void>;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
}

/** Every process below `root`, read from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch { /* exited meanwhile */ }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

export async function startSshd(): Promise<Sshd> {
  const tmp = tempDir('cairn-sshd-');
  const base = tmp.dir;
  const port = await freePort();
  const hostKey = path.join(base, 'host_ed25519');
  const clientKey = path.join(base, 'client_ed25519');
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', clientKey]);
  writeFileSync(path.join(base, 'authorized_keys'), readFileSync(`${clientKey}.pub`));
  const hostKeyLine = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const knownHosts = path.join(base, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKeyLine}\n`);
  const home = path.join(base, 'home');
  mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  writeFileSync(path.join(home, '.ssh', 'id_ed25519'), readFileSync(clientKey), { mode: 0o600 });
  writeFileSync(path.join(home, '.ssh', 'known_hosts'), readFileSync(knownHosts));
  const dataDir = path.join(base, 'data');
  mkdirSync(dataDir);
  mkdirSync(path.join(base, 'sftp-home'));
  const config = path.join(base, 'sshd_config');
  writeFileSync(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `AuthorizedKeysFile ${path.join(base, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin yes',
    'PasswordAuthentication no',
    `PidFile ${path.join(base, 'sshd.pid')}`,
    // Relative SFTP paths (ssh://host/~/x) start here instead of the real /root.
    `Subsystem sftp internal-sftp -d ${path.join(base, 'sftp-home')}`,
    'LogLevel ERROR',
    '',
  ].join('\n'));
  mkdirSync('/run/sshd', { recursive: true });

  const { start, stop } = service({
    name: 'sshd',
    command: '/usr/sbin/sshd',
    args: ['-D', '-e', '-f', config],
    port,
    kill: (proc) => {
      // sshd puts each connection in a session of its own (setsid), so kill the descendants by pid, then the listener.
      for (const pid of descendants(proc.pid!)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch { /* already gone */ }
      }
      proc.kill('SIGKILL');
    },
  });
  await start();
  return {
    port,
    user: 'root',
    dataDir,
    sftpHome: path.join(base, 'sftp-home'),
    clientKey,
    knownHosts,
    hostKeyLine,
    home,
    url: (sub) => `ssh://root@127.0.0.1:${port}${path.join(dataDir, sub)}`,
    authorize: (line) => appendFileSync(path.join(base, 'authorized_keys'), `${line.trim()}\n`),
    stop,
    start,
    cleanup: async () => {
      await stop();
      tmp.cleanup();
    },
  };
}
