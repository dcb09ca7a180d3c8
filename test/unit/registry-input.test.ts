import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFilter, parseOrderBy } from '../../src/tracking/filter/index.js';
import { parseRunsUri } from '../../src/registry/resolveModelSource.js';
import { checkAlias, checkStage, checkVersion } from '../../src/registry/validateRegistry.js';
import { fails } from '../helpers/cairnError.js';

describe('registry input', () => {
  it('reads version numbers as MLflow does, and refuses what is not one', () => {
    assert.equal(checkVersion('3'), 3);
    assert.equal(checkVersion(3), 3);
    assert.equal(checkVersion('01'), 1);
    for (const bad of ['', 'three', '1.5', '-1', 'v1', null]) fails(() => checkVersion(bad), /must be an integer/, 'USAGE');
  });

  it('reads stages in any case and names the four on a bad one', () => {
    assert.equal(checkStage('production'), 'Production');
    assert.equal(checkStage('NONE'), 'None');
    fails(() => checkStage('Live'), /one of None, Staging, Production, Archived/, 'USAGE');
  });

  it('keeps aliases to letters, digits, _ and -, and reserves latest and version names', () => {
    assert.equal(checkAlias('champion_2-eu'), 'champion_2-eu');
    fails(() => checkAlias('LATEST'), /reserved/, 'USAGE');
    fails(() => checkAlias('v7'), /reserved/, 'USAGE');
    fails(() => checkAlias('a.b'), /Invalid alias name/, 'USAGE');
    fails(() => checkAlias('x'.repeat(256)), /maximum length of 255/, 'USAGE');
  });

  it('splits runs:/ sources into the run and the path inside its artifacts', () => {
    assert.deepEqual(parseRunsUri('runs:/abc/model'), { runId: 'abc', path: 'model' });
    assert.deepEqual(parseRunsUri('runs:/abc/a/b/'), { runId: 'abc', path: 'a/b' });
    assert.deepEqual(parseRunsUri('runs:/abc'), { runId: 'abc', path: '' });
    assert.equal(parseRunsUri('s3://bucket/model'), null);
  });
});

describe('the filter grammar on the registry\'s lists', () => {
  it('knows the registry\'s attributes and MLflow\'s other names for them', () => {
    assert.deepEqual(parseFilter('version = 3', 'model_versions'), { type: 'compare', entity: 'attribute', key: 'version_number', op: '=', value: 3, column: 1 });
    assert.deepEqual(parseFilter("source LIKE 's3://%'", 'model_versions'), { type: 'compare', entity: 'attribute', key: 'source_path', op: 'LIKE', value: 's3://%', column: 1 });
    assert.deepEqual(parseOrderBy('timestamp DESC', 'registered_models'), { entity: 'attribute', key: 'last_updated_timestamp', ascending: false });
    assert.deepEqual(parseOrderBy('tags.team', 'registered_models'), { entity: 'tag', key: 'team', ascending: true });
  });

  it('refuses metrics, params and the other list\'s attributes, naming what can be searched', () => {
    fails(() => parseFilter('metrics.acc > 1', 'registered_models'), /registered models are searched by their attributes and tags/, 'USAGE');
    fails(() => parseFilter("params.lr = '1'", 'model_versions'), /model versions are searched/, 'USAGE');
    fails(() => parseFilter("run_id = 'x'", 'registered_models'), /unknown attribute "run_id" \(registered_models have name, creation_timestamp, last_updated_timestamp\)/, 'USAGE');
    fails(() => parseOrderBy('metrics.acc', 'model_versions'), /cannot order model_versions/, 'USAGE');
  });
});
