import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A token as a client sends it: `cairn_<id>_<secret>`. The prefix makes a leaked token greppable (and lets secret
 * scanners recognise it); the id finds the row without revealing anything; the secret is 32 random bytes.
 */
const TOKEN_RE = /^cairn_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface TokenParts {
  id: string;
  secret: string;
}

/** A new random token: its id (public), and the whole token text (shown once). */
export function newToken(): { id: string; token: string; secret: string } {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `cairn_${id}_${secret}` };
}

/** The id and secret of a token text, or null when it is not one of cairn's tokens. */
export function parseToken(text: string): TokenParts | null {
  const m = TOKEN_RE.exec(text.trim());
  return m ? { id: m[1], secret: m[2] } : null;
}

/**
 * What is stored for a secret. A plain SHA-256 is right here: the secret has 256 bits of entropy, so there is nothing
 * to guess, and a slow password hash would only slow every request down.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a secret with a stored hash in time that does not depend on where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
