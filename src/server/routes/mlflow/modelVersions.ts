import { parseRunsUri, resolveModelSource } from '../../../registry/resolveModelSource.js';
import { checkStage } from '../../../registry/validateRegistry.js';
import { optionalBool, optionalString, requiredString } from '../input.js';
import type { MlflowRoute } from '../route.js';
import { requiredValue, searchInput, tagList } from './registryInput.js';
import { registryOf } from './registryStore.js';

/** MLflow's model-versions endpoints. */
export const modelVersionRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: 'model-versions/create',
    handler: async (input, ctx, request) => {
      const source = requiredString(input, 'source');
      return {
        model_version: await (await registryOf(ctx)).createModelVersion({
          name: requiredString(input, 'name'),
          source,
          // A runs:/ source names its run: a version registered without run_id is still found by a run_id search.
          run_id: optionalString(input, 'run_id') || parseRunsUri(source)?.runId,
          run_link: optionalString(input, 'run_link') || undefined,
          description: optionalString(input, 'description'),
          model_id: optionalString(input, 'model_id') || undefined,
          tags: tagList(input),
          user_id: request.principal,
          storage_location: await resolveModelSource(source, ctx.tracking),
        }),
      };
    },
  },
  {
    method: 'GET',
    path: 'model-versions/get',
    handler: async (input, ctx) => ({
      model_version: await (await registryOf(ctx)).getModelVersion(requiredString(input, 'name'), requiredString(input, 'version')),
    }),
  },
  {
    method: 'PATCH',
    path: 'model-versions/update',
    handler: async (input, ctx) => ({
      model_version: await (await registryOf(ctx)).updateModelVersion(requiredString(input, 'name'), requiredString(input, 'version'), optionalString(input, 'description')),
    }),
  },
  {
    method: 'POST',
    path: 'model-versions/transition-stage',
    handler: async (input, ctx) => ({
      model_version: await (await registryOf(ctx)).transitionModelVersionStage({
        name: requiredString(input, 'name'),
        version: requiredString(input, 'version'),
        stage: checkStage(requiredString(input, 'stage')),
        archiveExisting: optionalBool(input, 'archive_existing_versions') ?? false,
      }),
    }),
  },
  {
    method: 'DELETE',
    path: 'model-versions/delete',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).deleteModelVersion(requiredString(input, 'name'), requiredString(input, 'version'));
      return {};
    },
  },
  {
    method: 'GET',
    path: 'model-versions/get-download-uri',
    handler: async (input, ctx) => ({
      artifact_uri: await (await registryOf(ctx)).getModelVersionDownloadUri(requiredString(input, 'name'), requiredString(input, 'version')),
    }),
  },
  {
    method: 'GET',
    path: 'model-versions/search',
    handler: async (input, ctx) => (await registryOf(ctx)).searchModelVersions(searchInput(input)),
  },
  {
    method: 'POST',
    path: 'model-versions/set-tag',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).setModelVersionTag(requiredString(input, 'name'), requiredString(input, 'version'), {
        key: requiredString(input, 'key'),
        value: requiredValue(input),
      });
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'model-versions/delete-tag',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).deleteModelVersionTag(requiredString(input, 'name'), requiredString(input, 'version'), requiredString(input, 'key'));
      return {};
    },
  },
];
