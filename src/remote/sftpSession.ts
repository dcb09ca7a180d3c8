import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, Client as SshClient, ConnectConfig, SFTPWrapper } from 'ssh2';
import { CairnError } from '../core/errors.js';
import { entriesFor, hostKeyAlgorithms, knownHostsName, parseKnownHosts, verifyHostKey } from './knownHosts.js';

const { Client, utils } = ssh2;
const CONNECT_TIMEOUT_MS = 20000;

/** Where and how to log in; built from the remote's URL and settings by sftpRemote.ts. */
export interface SshTarget {
  remote: string;
  displayUrl: string;
  host: string;
  port: number;
  user: string;
  password?: string;
  keyfile?: string;
  passphrase?: string;
  knownHosts?: string;
  env: Record<string, string | undefined>;
  /** How many SFTP channels to open on the one SSH connection. */
  channels: number;
}

/** One SSH connection with several SFTP channels; requests spread over the channels so large batches run in parallel. */
export interface SftpSession {
  client: SshClient;
  channels: SFTPWrapper[];
  /** The channel with the fewest requests in flight. */
  pick(): SFTPWrapper;
  /** Marks a request done on a channel that `pick` returned. */
  release(channel: SFTPWrapper): void;
  closed: boolean;
  /**
   * Calls `listener` once if the connection drops (at once if it already has), so requests whose replies will never
   * come fail instead of hanging. Returns the function that unsubscribes: every request subscribes for its own
   * lifetime only, so a long session does not pile up one listener (and its result) per request.
   */
  onLost(listener: (err: CairnError) => void): () => void;
}

/** `work`, or the session's loss if the connection drops first; the subscription ends with `work`. */
export function untilLost<T>(session: SftpSession, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = session.onLost(reject);
    work.then((value) => {
      off();
      resolve(value);
    }, (err: unknown) => {
      off();
      reject(err);
    });
  });
}

function home(env: Record<string, string | undefined>): string | undefined {
  return env.HOME;
}

function knownHostsFiles(target: SshTarget): string[] {
  if (target.knownHosts) return [target.knownHosts];
  const files = ['/etc/ssh/ssh_known_hosts'];
  const h = home(target.env);
  if (h) files.unshift(path.join(h, '.ssh', 'known_hosts'));
  return files;
}

function readKnownHosts(target: SshTarget) {
  const entries = [];
  for (const file of knownHostsFiles(target)) {
    if (!existsSync(file)) continue;
    entries.push(...parseKnownHosts(readFileSync(file, 'utf8')));
  }
  return entriesFor(entries, target.host, target.port);
}

/** The login methods to try, in the order OpenSSH tries them: agent, key files, password. */
function authMethods(target: SshTarget): { methods: ConnectConfig['authHandler']; tried: string[] } {
  const methods: AnyAuthMethod[] = [];
  const tried: string[] = [];
  const agent = target.env.SSH_AUTH_SOCK;
  if (agent) {
    methods.push({ type: 'agent', username: target.user, agent });
    tried.push('ssh agent');
  }
  const h = home(target.env);
  const keyFiles = target.keyfile ? [target.keyfile]
    : h ? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => path.join(h, '.ssh', f)).filter((f) => existsSync(f)) : [];
  for (const file of keyFiles) {
    let text: Buffer;
    try {
      text = readFileSync(file);
    } catch (err) {
      throw new CairnError('AUTH', `remote "${target.remote}": cannot read key file ${file}: ${(err as Error).message}`, {
        hint: `check the path, or change it with \`cairn remote modify --local ${target.remote} keyfile <path>\``,
      });
    }
    const parsed = utils.parseKey(text, target.passphrase);
    if (parsed instanceof Error) {
      if (target.keyfile) {
        throw new CairnError('AUTH', `remote "${target.remote}": key file ${file} cannot be used: ${parsed.message}`, {
          hint: `set its passphrase with \`cairn remote modify ${target.remote} key_passphrase <passphrase>\`, or load it into ssh-agent (ssh-add)`,
        });
      }
      continue;
    }
    methods.push({ type: 'publickey', username: target.user, key: text, ...(target.passphrase ? { passphrase: target.passphrase } : {}) });
    tried.push(`key ${file}`);
  }
  if (target.password !== undefined) {
    methods.push({ type: 'password', username: target.user, password: target.password });
    tried.push('password');
  }
  return { methods, tried };
}

function hostKeyHint(target: SshTarget): string {
  const portFlag = target.port === 22 ? '' : `-p ${target.port} `;
  const file = target.knownHosts ?? '~/.ssh/known_hosts';
  return `add it with ssh-keyscan ${portFlag}${target.host} >> ${file} (after checking the fingerprint)`;
}

/** Opens the SSH connection (TCP_NODELAY on, host key checked against known_hosts) and its SFTP channels. */
export async function openSftpSession(target: SshTarget): Promise<SftpSession> {
  const known = readKnownHosts(target);
  const { methods, tried } = authMethods(target);
  const where = `${target.host}:${target.port}`;
  if (tried.length === 0) {
    throw new CairnError('AUTH', `remote "${target.remote}" (${target.displayUrl}): no SSH credentials to log in with`, {
      hint: `start ssh-agent with your key, create ~/.ssh/id_ed25519, or set \`cairn remote modify --local ${target.remote} keyfile <path>\` (or password)`,
    });
  }
  let rejected: CairnError | null = null;
  const client = new Client();
  const sock = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: target.host, port: target.port });
    // Without NODELAY, Nagle's algorithm stalls every small SFTP request: transfers run about 100x slower.
    s.setNoDelay(true);
    // A host that drops packets would otherwise hold the command for the system's TCP timeout (minutes).
    s.setTimeout(CONNECT_TIMEOUT_MS, () => s.destroy(Object.assign(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' })));
    s.once('connect', () => {
      s.setTimeout(0);
      resolve(s);
    });
    s.once('error', (err) => reject(new CairnError('REMOTE', `could not connect to remote "${target.remote}" at ${where}: ${err.message}`, {
      hint: 'check that the host is up and runs an SSH server on that port',
      cause: err,
      data: { transient: true },
    })));
  });
  const algorithms = hostKeyAlgorithms(known);
  const config: ConnectConfig = {
    sock,
    host: target.host,
    port: target.port,
    username: target.user,
    authHandler: methods,
    readyTimeout: CONNECT_TIMEOUT_MS,
    keepaliveInterval: 15000,
    ...(algorithms.length ? { algorithms: { serverHostKey: algorithms as never } } : {}),
    hostVerifier: (key: Buffer) => {
      const verdict = verifyHostKey(known, key);
      if (verdict === 'trusted') return true;
      const name = knownHostsName(target.host, target.port);
      rejected = verdict === 'unknown'
        ? new CairnError('AUTH', `host key for ${where} is not known; ${hostKeyHint(target)} (remote "${target.remote}")`, {
          hint: 'compare the fingerprint (ssh-keygen -lf) with what the server\'s administrator publishes before trusting it',
        })
        : new CairnError('AUTH', `host key for ${where} does NOT match known_hosts (remote "${target.remote}", entry ${name}); someone may be intercepting the connection, or the host key changed`, {
          hint: `if the change is expected, remove the old entry with ssh-keygen -R '${name}' and add the new key`,
        });
      return false;
    },
  };
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    // `on`, not `once`: a refused handshake can be followed by a second error ("Connection lost before handshake")
    // once the socket closes, and an 'error' with no listener would crash the process.
    client.on('error', (err: Error & { level?: string }) => {
      if (rejected) return reject(rejected);
      if (err.level === 'client-authentication') {
        return reject(new CairnError('AUTH', `authentication to remote "${target.remote}" (${target.displayUrl}) as ${target.user} failed (tried ${tried.join(', ')})`, {
          hint: 'check the user name and that your public key is in the server\'s authorized_keys, or set the keyfile/password option',
        }));
      }
      reject(new CairnError('REMOTE', `SSH connection to remote "${target.remote}" at ${where} failed: ${err.message}`, { cause: err, data: { transient: true } }));
    });
    client.connect(config);
  }).catch((err) => {
    client.end();
    sock.destroy();
    throw err;
  });
  const channels: SFTPWrapper[] = [];
  try {
    for (let i = 0; i < target.channels; i++) {
      channels.push(await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp)))));
    }
  } catch (err) {
    if (channels.length === 0) {
      client.end();
      throw new CairnError('REMOTE', `remote "${target.remote}" (${target.displayUrl}): the SSH server refused the SFTP subsystem: ${(err as Error).message}`, {
        hint: 'enable SFTP on the server (Subsystem sftp in sshd_config)',
      });
    }
    // The server allows fewer sessions than asked (MaxSessions); work with what it gave.
  }
  const busy = new Map<SFTPWrapper, number>(channels.map((c) => [c, 0]));
  const lostListeners = new Set<(err: CairnError) => void>();
  let lostError: CairnError | null = null;
  const session: SftpSession = {
    client,
    channels,
    closed: false,
    onLost(listener) {
      if (lostError) {
        listener(lostError);
        return () => {};
      }
      // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
      const once = (err: CairnError) => listener(err);
      lostListeners.add(once);
      return () => lostListeners.delete(once);
    },
    pick() {
      let best = channels[0];
      for (const c of channels) if (busy.get(c)! < busy.get(best)!) best = c;
      busy.set(best, busy.get(best)! + 1);
      return best;
    },
    release(channel) {
      busy.set(channel, Math.max(0, (busy.get(channel) ?? 1) - 1));
    },
  };
  const markClosed = () => {
    if (session.closed) return;
    session.closed = true;
    lostError = new CairnError('REMOTE', `the SSH connection to remote "${target.remote}" (${where}) was lost`, {
      hint: 'check the server and the network, then run the command again; it continues with what is missing',
      data: { transient: true },
    });
    const listeners = [...lostListeners];
    lostListeners.clear();
    for (const listener of listeners) listener(lostError);
  };
  client.on('close', markClosed);
  client.on('end', markClosed);
  client.on('error', markClosed);
  return session;
}
