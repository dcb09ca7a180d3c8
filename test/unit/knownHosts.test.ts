import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { entriesFor, hostKeyAlgorithms, hostMatches, knownHostsName, parseKnownHosts, verifyHostKey } from '../../src/remote/knownHosts.js';

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBv7b1xZ3jv9xjJ0ZmQbJ0c1l8r8m3cJ1c0U5mKk0Y0z';
const raw = (b64: string) => Buffer.from(b64, 'base64');

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

describe('known_hosts', () => {
  it('names non-22 ports in brackets, as OpenSSH does', () => {
    assert.equal(knownHostsName('example.org', 22), 'example.org');
    assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
  });

  it('parses plain, hashed, revoked and comment lines, skipping cert authorities and junk', () => {
    const entries = parseKnownHosts([
      '# comment',
      '',
      `example.org,10.0.0.1 ssh-ed25519 ${KEY_A}`,
      `${hashed('[127.0.0.1]:2222')} ssh-ed25519 ${KEY_B} comment here`,
      `@revoked bad.example ssh-ed25519 ${KEY_B}`,
      `@cert-authority *.example ssh-ed25519 ${KEY_A}`,
      'broken-line',
    ].join('\n'));
    assert.equal(entries.length, 3);
    assert.equal(entries[2].revoked, true);
  });

  it('matches patterns with wildcards and negation, and hashed names', () => {
    assert.ok(hostMatches('example.org,10.0.0.1', '10.0.0.1'));
    assert.ok(hostMatches('*.example.org', 'build.example.org'));
    assert.ok(!hostMatches('*.example.org,!secret.example.org', 'secret.example.org'));
    assert.ok(hostMatches('host?', 'host1'));
    assert.ok(hostMatches(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2222'));
    assert.ok(!hostMatches(hashed('[127.0.0.1]:2222'), '127.0.0.1'));
  });

  it('judges a presented key as trusted, unknown, mismatched or revoked', () => {
    const entries = parseKnownHosts(`[127.0.0.1]:2222 ssh-ed25519 ${KEY_A}\n@revoked [127.0.0.1]:2223 ssh-ed25519 ${KEY_B}\n`);
    assert.equal(verifyHostKey(entriesFor(entries, '127.0.0.1', 2222), raw(KEY_A)), 'trusted');
    assert.equal(verifyHostKey(entriesFor(entries, '127.0.0.1', 2222), raw(KEY_B)), 'mismatch');
    assert.equal(verifyHostKey(entriesFor(entries, '127.0.0.1', 22), raw(KEY_A)), 'unknown');
    assert.equal(verifyHostKey(entriesFor(entries, '127.0.0.1', 2223), raw(KEY_B)), 'revoked');
  });

  it('asks the server for the key types it has on record (RSA in its SHA-2 forms first)', () => {
    const entries = parseKnownHosts(`h ssh-rsa ${KEY_A}\nh ssh-ed25519 ${KEY_B}\n`);
    assert.deepEqual(hostKeyAlgorithms(entries), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa', 'ssh-ed25519']);
  });
});
