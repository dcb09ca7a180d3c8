import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TagInfo } from '../../src/git/tags.js';
import { evaluateGate } from '../../src/registry/git/evaluateGate.js';
import { computeRegistryState } from '../../src/registry/git/registryState.js';
import { parseModelRef } from '../../src/registry/git/resolveModelRef.js';
import { bumpSemVer, checkSemVer, compareSemVer, isSemVer } from '../../src/registry/git/semver.js';
import { assignTagName, checkAliasName, checkModelName, deprecateTagName, deregisterTagName, parseTagName, unassignTagName, versionTagName } from '../../src/registry/git/tagNames.js';
import { formatVersionMessage, GTO_MESSAGES, parseVersionMetadata } from '../../src/registry/git/versionMessage.js';
import { fails } from '../helpers/cairnError.js';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);

/** An annotated tag as `git for-each-ref` reports it. */
function tag(name: string, commit: string, second: number, message = name): TagInfo {
  return { name, commit, annotated: true, tagger: 'Ann', taggerEmail: 'ann@example.invalid', time: second * 1000, message };
}

describe('registry tag names (GTO format)', () => {
  it('parses every kind of tag GTO writes', () => {
    assert.deepEqual(parseTagName('churn@v1.2.3'), { action: 'register', model: 'churn', version: 'v1.2.3' });
    assert.deepEqual(parseTagName('churn@v1.2.3!#4'), { action: 'deregister', model: 'churn', version: 'v1.2.3', counter: 4 });
    assert.deepEqual(parseTagName('churn#prod#2'), { action: 'assign', model: 'churn', alias: 'prod', counter: 2 });
    assert.deepEqual(parseTagName('churn#prod!#3'), { action: 'unassign', model: 'churn', alias: 'prod', counter: 3 });
    assert.deepEqual(parseTagName('churn#prod'), { action: 'assign', model: 'churn', alias: 'prod' });
    assert.deepEqual(parseTagName('churn@deprecated'), { action: 'deprecate', model: 'churn' });
    assert.deepEqual(parseTagName('churn@deprecated#7'), { action: 'deprecate', model: 'churn', counter: 7 });
    assert.deepEqual(parseTagName('nlp/text-clf@v0.1.0-rc.1+b5'), { action: 'register', model: 'nlp/text-clf', version: 'v0.1.0-rc.1+b5' });
    // A model of a nested pipeline file: `:` in the name is `=` in the tag.
    assert.deepEqual(parseTagName('models/cairn.yaml=clf#staging#1'), { action: 'assign', model: 'models/cairn.yaml:clf', alias: 'staging', counter: 1 });
  });

  it('ignores tags that are not registry tags', () => {
    for (const t of ['v1.0.0', 'release-2024', 'churn@1.2.3', 'Churn@v1.0.0', 'churn@v1.2', 'churn#Prod#1', 'churn#prod#x', '-x@v1.0.0', 'churn@v01.0.0']) {
      assert.equal(parseTagName(t), null, t);
    }
  });

  it('formats names that parse back to the same thing', () => {
    assert.equal(versionTagName('a/b:clf', 'v1.0.0'), 'a/b=clf@v1.0.0');
    assert.equal(deregisterTagName('clf', 'v1.0.0', 5), 'clf@v1.0.0!#5');
    assert.equal(assignTagName('clf', 'prod', 3), 'clf#prod#3');
    assert.equal(unassignTagName('clf', 'prod', 4), 'clf#prod!#4');
    assert.equal(deprecateTagName('clf'), 'clf@deprecated');
    assert.equal(deprecateTagName('clf', 9), 'clf@deprecated#9');
    for (const t of ['a/b=clf@v1.0.0', 'clf@v1.0.0!#5', 'clf#prod#3', 'clf#prod!#4', 'clf@deprecated#9']) assert.ok(parseTagName(t), t);
  });

  it('validates model and alias names as GTO does, with a hint', () => {
    assert.equal(checkModelName('churn-v2/base'), 'churn-v2/base');
    assert.equal(checkModelName('dir/cairn.yaml:clf'), 'dir/cairn.yaml:clf');
    fails(() => checkModelName('Churn'), /lowercase letters/, 'USAGE');
    fails(() => checkModelName('churn_'), /not a valid model name/, 'USAGE');
    fails(() => checkAliasName('pro d'), /no spaces/, 'USAGE');
    fails(() => checkAliasName('PROD'), /not a valid alias/, 'USAGE');
  });
});

describe('SemVer with a leading v', () => {
  it('accepts only v-prefixed SemVer 2.0', () => {
    assert.ok(isSemVer('v0.0.1') && isSemVer('v10.20.30-alpha.1+sha.5'));
    for (const v of ['1.0.0', 'v1.0', 'v1.0.0.0', 'V1.0.0', 'v01.0.0', 'v1.0.0-']) assert.ok(!isSemVer(v), v);
    fails(() => checkSemVer('1.2.3'), /leading "v": v1\.2\.3/, 'USAGE');
    fails(() => checkSemVer('latest'), /not a version/, 'USAGE');
  });

  it('orders by precedence, pre-releases below their release', () => {
    const sorted = ['v1.0.0', 'v1.0.0-rc.1', 'v0.9.10', 'v0.9.2', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta.2', 'v1.0.0-beta.11'].sort(compareSemVer);
    assert.deepEqual(sorted, ['v0.9.2', 'v0.9.10', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v1.0.0-beta.2', 'v1.0.0-beta.11', 'v1.0.0-rc.1', 'v1.0.0']);
  });

  it('bumps a part and resets the ones below it', () => {
    assert.equal(bumpSemVer('v1.2.3', 'patch'), 'v1.2.4');
    assert.equal(bumpSemVer('v1.2.3', 'minor'), 'v1.3.0');
    assert.equal(bumpSemVer('v1.2.3', 'major'), 'v2.0.0');
    assert.equal(bumpSemVer('v1.2.3-rc.1+b', 'patch'), 'v1.2.4');
  });
});

describe('version tag messages', () => {
  it('keeps GTO\'s first line and round-trips the metadata', () => {
    const meta = { path: 'models/m.pkl', oid: 'a'.repeat(64), run_id: 'r1', metrics: { acc: 0.9 }, labels: [], type: undefined };
    const text = formatVersionMessage(GTO_MESSAGES.register('churn', 'v1.0.0'), meta);
    assert.equal(text.split('\n')[0], 'Registering artifact churn version v1.0.0');
    assert.deepEqual(parseVersionMetadata(text), { path: 'models/m.pkl', oid: 'a'.repeat(64), run_id: 'r1', metrics: { acc: 0.9 } });
  });

  it('reads a message GTO wrote as having no metadata, and reports a broken block', () => {
    assert.equal(parseVersionMetadata('Registering artifact churn version v1.0.0'), null);
    fails(() => parseVersionMetadata('x\n\ncairn-metadata: 1\n{"path": ', 'churn@v1.0.0'), /churn@v1\.0\.0 is not valid JSON/);
  });
});

describe('registry state from tags', () => {
  it('lists versions in SemVer order, latest is the highest one not deprecated', () => {
    const m = computeRegistryState([tag('churn@v0.10.0', C3, 3), tag('churn@v0.9.0', C2, 2), tag('churn@v0.10.0!#1', C3, 4), tag('other', C1, 1)]).get('churn')!;
    assert.deepEqual(m.versions.map((v) => [v.version, v.deprecated]), [['v0.9.0', false], ['v0.10.0', true]]);
    assert.equal(m.latest, 'v0.9.0');
    assert.equal(m.counter, 1);
  });

  it('an alias follows the highest N, whatever the tag times say', () => {
    const m = computeRegistryState([
      tag('churn@v1.0.0', C1, 1), tag('churn@v2.0.0', C2, 2),
      // Clone B promoted v1.0.0 with the later number, but its clock was behind.
      tag('churn#prod#2', C2, 10), tag('churn#prod#3', C1, 5),
    ]).get('churn')!;
    assert.deepEqual(m.aliases.map((a) => [a.alias, a.version, a.tag]), [['prod', 'v1.0.0', 'churn#prod#3']]);
    assert.deepEqual(m.versions.find((v) => v.version === 'v1.0.0')!.aliases, ['prod']);
  });

  it('breaks a tie in N by tagger time, then by tag name', () => {
    const base = [tag('m@v1.0.0', C1, 1), tag('m@v2.0.0', C2, 1)];
    // The same N for an assignment and an unassignment: the later one wins.
    let m = computeRegistryState([...base, tag('m#prod#1', C1, 2), tag('m#prod!#1', C1, 3)]).get('m')!;
    assert.deepEqual(m.aliases, []);
    m = computeRegistryState([...base, tag('m#prod#1', C1, 3), tag('m#prod!#1', C1, 2)]).get('m')!;
    assert.equal(m.aliases[0].version, 'v1.0.0');
    // Same N and second: by name, and `m#prod!#1` sorts before `m#prod#1`, so the assignment comes last and wins.
    m = computeRegistryState([...base, tag('m#prod#1', C1, 2), tag('m#prod!#1', C1, 2)]).get('m')!;
    assert.equal(m.aliases[0]?.version, 'v1.0.0');
  });

  it('an unassignment clears the alias only from the version it names; a deprecated version loses its aliases', () => {
    const base = [tag('m@v1.0.0', C1, 1), tag('m@v2.0.0', C2, 2), tag('m#prod#1', C1, 3), tag('m#prod#2', C2, 4), tag('m#dev#3', C1, 5)];
    let m = computeRegistryState([...base, tag('m#prod!#4', C1, 6)]).get('m')!;
    assert.deepEqual(m.aliases.map((a) => `${a.alias}=${a.version}`), ['dev=v1.0.0', 'prod=v2.0.0']);
    m = computeRegistryState([...base, tag('m@v1.0.0!#4', C1, 6)]).get('m')!;
    assert.deepEqual(m.aliases.map((a) => `${a.alias}=${a.version}`), ['prod=v2.0.0']);
  });

  it('a model is deprecated until a version is registered later; lightweight tags are ignored', () => {
    const dep = [tag('m@v1.0.0', C1, 1), tag('m@deprecated', C1, 2)];
    assert.equal(computeRegistryState(dep).get('m')!.deprecated, true);
    assert.equal(computeRegistryState([...dep, tag('m@v1.1.0', C2, 3)]).get('m')!.deprecated, false);
    const light = { ...tag('x@v1.0.0', C1, 1), annotated: false };
    assert.equal(computeRegistryState([light]).has('x'), false);
  });
});

describe('model references and gates', () => {
  it('splits NAME, NAME@vX.Y.Z, NAME@latest and NAME#ALIAS', () => {
    assert.deepEqual(parseModelRef('churn'), { name: 'churn' });
    assert.deepEqual(parseModelRef('churn@latest'), { name: 'churn' });
    assert.deepEqual(parseModelRef('a/b:churn@v1.0.0'), { name: 'a/b:churn', version: 'v1.0.0' });
    assert.deepEqual(parseModelRef('churn#prod'), { name: 'churn', alias: 'prod' });
    fails(() => parseModelRef('churn@1.0'), /not a version/, 'USAGE');
  });

  it('names each failing term of a gate with the value it saw', () => {
    const subject = { metrics: { accuracy: 0.85, latency_ms: 30 }, params: {}, tags: {}, attributes: {} };
    assert.deepEqual(evaluateGate('metrics.accuracy >= 0.8 and metrics.latency_ms < 50', subject), { passed: true, failing: [] });
    const r = evaluateGate('metrics.accuracy >= 0.9 and metrics.latency_ms < 20 and metrics.f1 > 0', subject);
    assert.equal(r.passed, false);
    assert.deepEqual(r.failing, [
      'metrics.accuracy >= 0.9 (metrics.accuracy is 0.85)',
      'metrics.latency_ms < 20 (metrics.latency_ms is 30)',
      'metrics.f1 > 0 (the version has no metrics.f1)',
    ]);
    fails(() => evaluateGate('metrics.accuracy >=', subject), /--if: bad filter at column/, 'USAGE');
  });
});
