import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPgPlaceholders } from '../../src/core/sql/pgPlaceholders.js';

describe('portable ? placeholders on PostgreSQL', () => {
  it('numbers each ? in order', () => {
    assert.equal(toPgPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?) LIMIT ?'), 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) LIMIT $4');
    assert.equal(toPgPlaceholders('SELECT unnest(?::text[])'), 'SELECT unnest($1::text[])');
  });

  it('leaves a ? inside a string, a quoted identifier or a comment alone', () => {
    assert.equal(toPgPlaceholders("SELECT '?', 'it''s ?', ? -- why?\nFROM \"odd?name\" WHERE x = ?"), "SELECT '?', 'it''s ?', $1 -- why?\nFROM \"odd?name\" WHERE x = $2");
    assert.equal(toPgPlaceholders("SELECT 'unterminated ?"), "SELECT 'unterminated ?");
  });
});
