/**
 * The contract the SQL model registry passes on every database. A test file calls
 * `runRegistryStoreContract('sqlite', async () => ({ sql, second, cleanup }))`; every case gets an empty database.
 * `second` opens another connection to the same database in this process, for the case of two writers at once
 * (PostgreSQL; SQLite connections block the event loop while they wait, so its test races processes instead).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqlClient } from '../../src/core/sql/sqlClient.js';
import { openSqlModelRegistryStore, type SqlModelRegistryStore } from '../../src/registry/db/sqlModelRegistryStore.js';
import { rejectsWith } from './trackingStoreContract.js';

export interface RegistryFixture {
  sql: SqlClient;
  /** Opens another connection to the same database. */
  second?(): Promise<SqlClient>;
  cleanup(): Promise<void>;
}

export function runRegistryStoreContract(label: string, makeFixture: () => Promise<RegistryFixture>): void {
  /** A store whose clock ticks 1 ms per call, from 1000, so timestamps are known and distinct. */
  const withStore = (fn: (store: SqlModelRegistryStore, fixture: RegistryFixture) => Promise<void>) => async () => {
    const fixture = await makeFixture();
    let clock = 1000;
    try {
      await fn(await openSqlModelRegistryStore(fixture.sql, { now: () => clock++ }), fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  describe(`model registry store (${label})`, () => {
    it('creates a registered model with MLflow\'s fields, and gets it back by name', withStore(async (store) => {
      const created = await store.createRegisteredModel({ name: 'cats', description: 'finds cats', tags: [{ key: 'team', value: 'vision' }], user_id: 'ann' });
      assert.deepEqual(created, {
        name: 'cats',
        creation_timestamp: 1000,
        last_updated_timestamp: 1000,
        user_id: 'ann',
        description: 'finds cats',
        latest_versions: [],
        tags: [{ key: 'team', value: 'vision' }],
        aliases: [],
      });
      assert.deepEqual(await store.getRegisteredModel('cats'), created);
    }));

    it('refuses a second model of the same name, and a missing name is NOT_FOUND', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats', description: 'first' });
      await rejectsWith(store.createRegisteredModel({ name: 'cats', description: 'second' }), 'CONFLICT', /Registered Model \(name=cats\) already exists/);
      assert.equal((await store.getRegisteredModel('cats')).description, 'first', 'the failed create changed nothing');
      await rejectsWith(store.getRegisteredModel('dogs'), 'NOT_FOUND', /Registered Model with name=dogs not found/);
      await rejectsWith(store.createRegisteredModel({ name: '' }), 'USAGE', /name/);
    }));

    it('numbers versions 1, 2, 3 as strings, READY in stage None, and never gives a deleted number out again', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      const v1 = await store.createModelVersion({ name: 'cats', source: 'runs:/abc/model', run_id: 'abc', description: 'd', tags: [{ key: 'k', value: 'v' }], user_id: 'ann' });
      assert.deepEqual(v1, {
        name: 'cats',
        version: '1',
        creation_timestamp: 1001,
        last_updated_timestamp: 1001,
        user_id: 'ann',
        current_stage: 'None',
        description: 'd',
        source: 'runs:/abc/model',
        run_id: 'abc',
        status: 'READY',
        tags: [{ key: 'k', value: 'v' }],
        aliases: [],
      });
      assert.equal((await store.createModelVersion({ name: 'cats', source: 's3://b/2' })).version, '2');
      await store.deleteModelVersion('cats', '2');
      await rejectsWith(store.getModelVersion('cats', '2'), 'NOT_FOUND', /Model Version \(name=cats, version=2\) not found/);
      assert.equal((await store.createModelVersion({ name: 'cats', source: 's3://b/3' })).version, '3');
      assert.equal((await store.getRegisteredModel('cats')).last_updated_timestamp > 1001, true, 'a new version updates its model');
      await rejectsWith(store.createModelVersion({ name: 'dogs', source: 'x' }), 'NOT_FOUND', /name=dogs/);
      await rejectsWith(store.createModelVersion({ name: 'cats', source: '' }), 'USAGE', /source/);
      await rejectsWith(store.getModelVersion('cats', 'one'), 'USAGE', /must be an integer/);
    }));

    it('gives concurrent creates distinct version numbers, on one connection and on two', withStore(async (store, fixture) => {
      await store.createRegisteredModel({ name: 'cats' });
      const other = fixture.second ? await openSqlModelRegistryStore(await fixture.second()) : store;
      const creates = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? store : other).createModelVersion({ name: 'cats', source: `s3://b/${i}` }));
      const versions = (await Promise.all(creates)).map((v) => Number(v.version)).sort((a, b) => a - b);
      assert.deepEqual(versions, Array.from({ length: 12 }, (_, i) => i + 1));
      const listed = await store.searchModelVersions({ filter: "name = 'cats'" });
      assert.equal(listed.model_versions.length, 12);
    }));

    it('two renames onto one new name at once: one wins, the other is a CONFLICT', withStore(async (store, fixture) => {
      const other = fixture.second ? await openSqlModelRegistryStore(await fixture.second()) : store;
      for (let round = 0; round < 5; round++) {
        await store.createRegisteredModel({ name: `a${round}` });
        await store.createRegisteredModel({ name: `b${round}` });
        const results = await Promise.allSettled([store.renameRegisteredModel(`a${round}`, `n${round}`), other.renameRegisteredModel(`b${round}`, `n${round}`)]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results));
        const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        assert.equal(failed.reason.code, 'CONFLICT', String(failed.reason));
      }
    }));

    it('an alias set while its version is deleted never points at a missing version', withStore(async (store, fixture) => {
      const other = fixture.second ? await openSqlModelRegistryStore(await fixture.second()) : store;
      await store.createRegisteredModel({ name: 'cats' });
      for (let round = 0; round < 5; round++) {
        const { version } = await store.createModelVersion({ name: 'cats', source: `s3://b/${round}` });
        await Promise.allSettled([other.setAlias('cats', `a${round}`, version), store.deleteModelVersion('cats', version)]);
        const model = await store.getRegisteredModel('cats');
        assert.deepEqual(model.aliases, [], `round ${round}: ${JSON.stringify(model.aliases)}`);
      }
    }));

    it('renames a model with its versions; the old name is gone and a taken name is refused', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      await store.createRegisteredModel({ name: 'dogs' });
      await store.createModelVersion({ name: 'cats', source: 's3://b/1' });
      await store.setAlias('cats', 'champion', '1');
      const renamed = await store.renameRegisteredModel('cats', 'felines');
      assert.equal(renamed.name, 'felines');
      assert.deepEqual(renamed.aliases, [{ alias: 'champion', version: '1' }]);
      assert.equal((await store.getModelVersion('felines', '1')).name, 'felines');
      await rejectsWith(store.getRegisteredModel('cats'), 'NOT_FOUND');
      await rejectsWith(store.renameRegisteredModel('felines', 'dogs'), 'CONFLICT', /name=dogs\) already exists/);
      await rejectsWith(store.renameRegisteredModel('felines', ''), 'USAGE', /new_name/);
      assert.equal((await store.getRegisteredModel('felines')).name, 'felines');
    }));

    it('updates descriptions of models and versions, and clears them', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats', description: 'old' });
      await store.createModelVersion({ name: 'cats', source: 's3://b/1' });
      assert.equal((await store.updateRegisteredModel('cats', 'new')).description, 'new');
      assert.equal((await store.updateModelVersion('cats', '1', 'v-new')).description, 'v-new');
      assert.equal('description' in (await store.updateRegisteredModel('cats', undefined)), false);
      await rejectsWith(store.updateModelVersion('cats', '9', 'x'), 'NOT_FOUND', /version=9/);
    }));

    it('deletes a model with every version, tag and alias; a new model of that name starts afresh', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats', tags: [{ key: 'a', value: '1' }] });
      await store.createModelVersion({ name: 'cats', source: 's3://b/1', tags: [{ key: 'b', value: '2' }] });
      await store.setAlias('cats', 'champion', '1');
      await store.deleteRegisteredModel('cats');
      await rejectsWith(store.getRegisteredModel('cats'), 'NOT_FOUND');
      assert.deepEqual((await store.searchModelVersions({})).model_versions, []);
      await store.createRegisteredModel({ name: 'cats' });
      const fresh = await store.getRegisteredModel('cats');
      assert.deepEqual([fresh.tags, fresh.aliases, fresh.latest_versions], [[], [], []]);
      const v = await store.createModelVersion({ name: 'cats', source: 's3://b/new' });
      assert.deepEqual([v.version, v.tags, v.aliases], ['1', [], []]);
      await rejectsWith(store.deleteRegisteredModel('dogs'), 'NOT_FOUND');
    }));

    it('sets, overwrites and deletes tags of models and versions, checking keys', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      await store.createModelVersion({ name: 'cats', source: 's3://b/1' });
      await store.setRegisteredModelTag('cats', { key: 'team', value: 'a' });
      await store.setRegisteredModelTag('cats', { key: 'team', value: 'b' });
      await store.setRegisteredModelTag('cats', { key: 'owner', value: 'ann' });
      assert.deepEqual((await store.getRegisteredModel('cats')).tags, [{ key: 'owner', value: 'ann' }, { key: 'team', value: 'b' }]);
      await store.deleteRegisteredModelTag('cats', 'team');
      await store.deleteRegisteredModelTag('cats', 'never-set');
      assert.deepEqual((await store.getRegisteredModel('cats')).tags, [{ key: 'owner', value: 'ann' }]);
      await store.setModelVersionTag('cats', '1', { key: 'validated', value: 'yes' });
      await store.setModelVersionTag('cats', '1', { key: 'validated', value: 'no' });
      assert.deepEqual((await store.getModelVersion('cats', '1')).tags, [{ key: 'validated', value: 'no' }]);
      await store.deleteModelVersionTag('cats', '1', 'validated');
      assert.deepEqual((await store.getModelVersion('cats', '1')).tags, []);
      await rejectsWith(store.setRegisteredModelTag('cats', { key: '../x', value: 'v' }), 'USAGE', /tag key/);
      await rejectsWith(store.setModelVersionTag('cats', '1', { key: 'k', value: 'x'.repeat(5001) }), 'USAGE', /longer than 5000/);
      await rejectsWith(store.setModelVersionTag('cats', '2', { key: 'k', value: 'v' }), 'NOT_FOUND', /version=2/);
      await rejectsWith(store.setRegisteredModelTag('dogs', { key: 'k', value: 'v' }), 'NOT_FOUND', /dogs/);
    }));

    it('points aliases at versions, moves them, and drops them with their version', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      await store.createModelVersion({ name: 'cats', source: 's3://b/1' });
      await store.createModelVersion({ name: 'cats', source: 's3://b/2' });
      await store.setAlias('cats', 'champion', '1');
      await store.setAlias('cats', 'challenger', '2');
      assert.deepEqual((await store.getModelVersion('cats', '1')).aliases, ['champion']);
      await store.setAlias('cats', 'champion', '2');
      assert.deepEqual((await store.getModelVersion('cats', '1')).aliases, [], 'the alias moved away from version 1');
      assert.deepEqual((await store.getModelVersion('cats', '2')).aliases, ['challenger', 'champion']);
      assert.deepEqual((await store.getRegisteredModel('cats')).aliases, [{ alias: 'challenger', version: '2' }, { alias: 'champion', version: '2' }]);
      assert.equal((await store.getModelVersionByAlias('cats', 'champion')).version, '2');
      await store.deleteAlias('cats', 'challenger');
      await rejectsWith(store.getModelVersionByAlias('cats', 'challenger'), 'NOT_FOUND', /alias challenger not found/);
      await store.deleteModelVersion('cats', '2');
      assert.deepEqual((await store.getRegisteredModel('cats')).aliases, [], 'deleting a version deletes its aliases');
      await rejectsWith(store.setAlias('cats', 'champion', '7'), 'NOT_FOUND', /version=7/);
      for (const bad of ['latest', 'Latest', 'v3', 'V12', 'with space', '']) await rejectsWith(store.setAlias('cats', bad, '1'), 'USAGE');
    }));

    it('moves versions between stages, archives the others on request, and keeps the latest version per stage', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      for (let i = 0; i < 4; i++) await store.createModelVersion({ name: 'cats', source: `s3://b/${i + 1}` });
      assert.equal((await store.transitionModelVersionStage({ name: 'cats', version: '1', stage: 'production' as never, archiveExisting: false })).current_stage, 'Production');
      await store.transitionModelVersionStage({ name: 'cats', version: '2', stage: 'Production', archiveExisting: false });
      await store.transitionModelVersionStage({ name: 'cats', version: '3', stage: 'Staging', archiveExisting: false });
      const latest = (await store.getRegisteredModel('cats')).latest_versions.map((v) => [v.version, v.current_stage]);
      assert.deepEqual(latest, [['2', 'Production'], ['3', 'Staging'], ['4', 'None']]);
      assert.deepEqual((await store.getLatestVersions('cats', ['Production'])).map((v) => v.version), ['2']);
      assert.deepEqual((await store.getLatestVersions('cats')).map((v) => v.version), ['2', '3', '4']);
      await store.transitionModelVersionStage({ name: 'cats', version: '4', stage: 'Production', archiveExisting: true });
      assert.deepEqual(
        await Promise.all(['1', '2', '3', '4'].map(async (v) => (await store.getModelVersion('cats', v)).current_stage)),
        ['Archived', 'Archived', 'Staging', 'Production'],
        'archive_existing_versions archives the other Production versions only',
      );
      await rejectsWith(store.transitionModelVersionStage({ name: 'cats', version: '3', stage: 'Archived', archiveExisting: true }), 'USAGE', /not an Active stage/);
      await rejectsWith(store.transitionModelVersionStage({ name: 'cats', version: '3', stage: 'Live' as never, archiveExisting: false }), 'USAGE', /Invalid Model Version stage: Live/);
      await rejectsWith(store.getLatestVersions('cats', ['Nope' as never]), 'USAGE', /stage/);
    }));

    it('searches registered models with the shared filter grammar, in MLflow\'s order, page by page', withStore(async (store) => {
      for (const [name, team] of [['cats', 'vision'], ['dogs', 'vision'], ['Catalog', 'search'], ['birds', null]] as const) {
        await store.createRegisteredModel({ name, tags: team ? [{ key: 'team', value: team }] : [] });
      }
      const names = async (filter: string, order_by?: string[]) => (await store.searchRegisteredModels({ filter, order_by })).registered_models.map((m) => m.name);
      assert.deepEqual(await names(''), ['Catalog', 'birds', 'cats', 'dogs'], 'by name by default');
      assert.deepEqual(await names("name LIKE 'cat%'"), ['cats'], 'LIKE is case-sensitive');
      assert.deepEqual(await names("name ILIKE 'cat%'"), ['Catalog', 'cats']);
      assert.deepEqual(await names("tags.team = 'vision'"), ['cats', 'dogs']);
      assert.deepEqual(await names("tags.team != 'vision'"), ['Catalog', 'birds'], 'a model without the tag matches !=');
      assert.deepEqual(await names("name = 'birds' or (tags.team = 'vision' and name != 'dogs')"), ['birds', 'cats']);
      assert.deepEqual(await names("tag.team IN ('search', 'none')"), ['Catalog']);
      assert.deepEqual(await names('', ['name DESC']), ['dogs', 'cats', 'birds', 'Catalog']);
      assert.deepEqual(await names('', ['last_updated_timestamp DESC']), ['birds', 'Catalog', 'dogs', 'cats']);
      assert.deepEqual(await names('', ['tags.team ASC']), ['Catalog', 'cats', 'dogs', 'birds'], 'by a tag, missing ones last');
      const first = await store.searchRegisteredModels({ max_results: 3 });
      assert.equal(first.registered_models.length, 3);
      assert.ok(first.next_page_token);
      const second = await store.searchRegisteredModels({ max_results: 3, page_token: first.next_page_token });
      assert.deepEqual(second.registered_models.map((m) => m.name), ['dogs']);
      assert.equal(second.next_page_token, undefined);
      await rejectsWith(store.searchRegisteredModels({ filter: "name = 'x'", page_token: first.next_page_token }), 'USAGE', /another search/);
      await rejectsWith(store.searchRegisteredModels({ filter: 'name = ' }), 'USAGE', /bad filter/);
      await rejectsWith(store.searchRegisteredModels({ filter: 'metrics.acc > 1' }), 'USAGE', /registered models are searched by their attributes and tags/);
      await rejectsWith(store.searchRegisteredModels({ filter: "run_id = 'x'" }), 'USAGE', /unknown attribute/);
      await rejectsWith(store.searchRegisteredModels({ max_results: 1001 }), 'USAGE', /1 to 1000/);
      await rejectsWith(store.searchRegisteredModels({ order_by: ['name', 'name DESC'] }), 'USAGE', /twice/);
    }));

    it('binds filter values: quotes and SQL in a value match nothing and run nothing', withStore(async (store) => {
      await store.createRegisteredModel({ name: "it's" });
      await store.createRegisteredModel({ name: 'plain' });
      assert.deepEqual((await store.searchRegisteredModels({ filter: "name = 'x'' OR ''1''=''1'" })).registered_models, []);
      assert.deepEqual((await store.searchRegisteredModels({ filter: "name = '; DROP TABLE registry_models; --'" })).registered_models, []);
      assert.deepEqual((await store.searchRegisteredModels({ filter: `name = "it's"` })).registered_models.map((m) => m.name), ["it's"]);
      assert.equal((await store.searchRegisteredModels({})).registered_models.length, 2, 'the tables are intact');
    }));

    it('searches model versions by name, run_id, source_path, version number and tags, newest update first', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      await store.createRegisteredModel({ name: 'dogs' });
      await store.createModelVersion({ name: 'cats', source: 'runs:/r1/model', run_id: 'r1', tags: [{ key: 'ok', value: 'yes' }] });
      await store.createModelVersion({ name: 'cats', source: 's3://bucket/cats/2', run_id: 'r2' });
      await store.createModelVersion({ name: 'dogs', source: 'runs:/r1/dog', run_id: 'r1' });
      const found = async (filter: string, order_by?: string[]) => (await store.searchModelVersions({ filter, order_by })).model_versions.map((v) => `${v.name}/${v.version}`);
      assert.deepEqual(await found(''), ['dogs/1', 'cats/2', 'cats/1']);
      assert.deepEqual(await found("name = 'cats'"), ['cats/2', 'cats/1']);
      assert.deepEqual(await found("run_id = 'r1'"), ['dogs/1', 'cats/1']);
      assert.deepEqual(await found("run_id IN ('r2', 'r9')"), ['cats/2']);
      assert.deepEqual(await found("source_path LIKE 'runs:/%'"), ['dogs/1', 'cats/1']);
      assert.deepEqual(await found("name = 'cats' and version_number > 1.5"), ['cats/2']);
      assert.deepEqual(await found("tags.ok = 'yes'"), ['cats/1']);
      assert.deepEqual(await found("tags.ok IS NULL and name = 'cats'"), ['cats/2']);
      assert.deepEqual(await found('', ['name ASC', 'version_number ASC']), ['cats/1', 'cats/2', 'dogs/1']);
      await store.transitionModelVersionStage({ name: 'cats', version: '1', stage: 'Staging', archiveExisting: false });
      assert.deepEqual(await found("current_stage = 'Staging'"), ['cats/1']);
      const page1 = await store.searchModelVersions({ max_results: 2 });
      const page2 = await store.searchModelVersions({ max_results: 2, page_token: page1.next_page_token });
      assert.deepEqual([...page1.model_versions, ...page2.model_versions].map((v) => `${v.name}/${v.version}`), ['cats/1', 'dogs/1', 'cats/2']);
      await rejectsWith(store.searchModelVersions({ filter: 'params.lr = 1' }), 'USAGE', /model versions are searched/);
      await rejectsWith(store.searchModelVersions({ max_results: 0 }), 'USAGE', /max_results/);
    }));

    it('gives a version\'s download URI: its resolved storage location, else its source', withStore(async (store) => {
      await store.createRegisteredModel({ name: 'cats' });
      await store.createModelVersion({ name: 'cats', source: 'runs:/r1/model', storage_location: 'file:///srv/artifacts/0/r1/artifacts/model' });
      await store.createModelVersion({ name: 'cats', source: 's3://bucket/cats' });
      assert.equal(await store.getModelVersionDownloadUri('cats', '1'), 'file:///srv/artifacts/0/r1/artifacts/model');
      assert.equal(await store.getModelVersionDownloadUri('cats', '2'), 's3://bucket/cats');
      assert.equal((await store.getModelVersion('cats', '1')).source, 'runs:/r1/model', 'the source stays as the client gave it');
      await rejectsWith(store.getModelVersionDownloadUri('cats', '3'), 'NOT_FOUND');
    }));

    it('migrates once: opening the store again keeps what it holds', withStore(async (store, fixture) => {
      await store.createRegisteredModel({ name: 'cats' });
      const again = await openSqlModelRegistryStore(fixture.sql);
      assert.equal((await again.getRegisteredModel('cats')).name, 'cats');
      const rows = await fixture.sql.all<{ version: number }>("SELECT version FROM cairn_migrations WHERE lineage = 'registry'");
      assert.deepEqual(rows.map((r) => Number(r.version)), [1]);
    }));
  });
}
