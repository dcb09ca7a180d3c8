import { createHmac } from 'node:crypto';

/** One usable line of an OpenSSH known_hosts file. */
export interface KnownHostEntry {
  /** Comma-separated patterns, or a hashed `|1|salt|hash` entry. */
  hosts: string;
  keyType: string;
  /** The raw public key blob (base64-decoded). */
  key: Buffer;
  revoked: boolean;
}

export type HostKeyVerdict = 'trusted' | 'unknown' | 'mismatch' | 'revoked';

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. Pure. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parses known_hosts text; comments, blank lines and @cert-authority lines are skipped. Pure. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    let revoked = false;
    if (fields[0].startsWith('@')) {
      if (fields[0] !== '@revoked') continue;
      revoked = true;
      fields.shift();
    }
    if (fields.length < 3) continue;
    const key = Buffer.from(fields[2], 'base64');
    if (key.length === 0) continue;
    entries.push({ hosts: fields[0], keyType: fields[1], key, revoked });
  }
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether an entry's host field names `name` (plain patterns with * ? and ! negation, or a hashed name). Pure. */
export function hostMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hash] = hosts.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of hosts.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

/** The entries that apply to a host (revoked ones included). Pure. */
export function entriesFor(entries: KnownHostEntry[], host: string, port: number): KnownHostEntry[] {
  const name = knownHostsName(host, port);
  return entries.filter((e) => hostMatches(e.hosts, name));
}

/** Judges a presented host key against the entries for its host. Pure. */
export function verifyHostKey(entries: KnownHostEntry[], key: Buffer): HostKeyVerdict {
  if (entries.some((e) => e.revoked && e.key.equals(key))) return 'revoked';
  const live = entries.filter((e) => !e.revoked);
  if (live.length === 0) return 'unknown';
  return live.some((e) => e.key.equals(key)) ? 'trusted' : 'mismatch';
}

/** The ssh2 host key algorithms to offer for the key types known_hosts holds for this host, so we ask for a key we can check. */
export function hostKeyAlgorithms(entries: KnownHostEntry[]): string[] {
  const algorithms: string[] = [];
  for (const e of entries) {
    if (e.revoked) continue;
    const names = e.keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [e.keyType];
    for (const n of names) if (!algorithms.includes(n)) algorithms.push(n);
  }
  return algorithms;
}
