import { checkStage } from '../../../registry/validateRegistry.js';
import { optionalString, requiredString, stringList } from '../input.js';
import type { MlflowRoute } from '../route.js';
import { requiredValue, searchInput, tagList } from './registryInput.js';
import { registryOf } from './registryStore.js';

/** MLflow's registered-models endpoints (the model registry; versions are in modelVersions.ts). */
export const registeredModelRoutes: MlflowRoute[] = [
  {
    method: 'POST',
    path: 'registered-models/create',
    handler: async (input, ctx, request) => ({
      registered_model: await (await registryOf(ctx)).createRegisteredModel({
        name: requiredString(input, 'name'),
        description: optionalString(input, 'description'),
        tags: tagList(input),
        user_id: request.principal,
      }),
    }),
  },
  {
    method: 'GET',
    path: 'registered-models/get',
    handler: async (input, ctx) => ({ registered_model: await (await registryOf(ctx)).getRegisteredModel(requiredString(input, 'name')) }),
  },
  {
    method: 'POST',
    path: 'registered-models/rename',
    handler: async (input, ctx) => ({
      registered_model: await (await registryOf(ctx)).renameRegisteredModel(requiredString(input, 'name'), requiredString(input, 'new_name')),
    }),
  },
  {
    method: 'PATCH',
    path: 'registered-models/update',
    handler: async (input, ctx) => ({
      registered_model: await (await registryOf(ctx)).updateRegisteredModel(requiredString(input, 'name'), optionalString(input, 'description')),
    }),
  },
  {
    method: 'DELETE',
    path: 'registered-models/delete',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).deleteRegisteredModel(requiredString(input, 'name'));
      return {};
    },
  },
  {
    method: 'GET',
    path: 'registered-models/search',
    handler: async (input, ctx) => (await registryOf(ctx)).searchRegisteredModels(searchInput(input)),
  },
  // MLflow serves get-latest-versions on POST (its Python client) and GET.
  ...(['POST', 'GET'] as const).map(
    (method): MlflowRoute => ({
      method,
      path: 'registered-models/get-latest-versions',
      scope: 'read',
      handler: async (input, ctx) => ({
        model_versions: await (await registryOf(ctx)).getLatestVersions(requiredString(input, 'name'), stringList(input, 'stages').map(checkStage)),
      }),
    }),
  ),
  {
    method: 'POST',
    path: 'registered-models/set-tag',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).setRegisteredModelTag(requiredString(input, 'name'), { key: requiredString(input, 'key'), value: requiredValue(input) });
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'registered-models/delete-tag',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).deleteRegisteredModelTag(requiredString(input, 'name'), requiredString(input, 'key'));
      return {};
    },
  },
  {
    method: 'POST',
    path: 'registered-models/alias',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).setAlias(requiredString(input, 'name'), requiredString(input, 'alias'), requiredString(input, 'version'));
      return {};
    },
  },
  {
    method: 'DELETE',
    path: 'registered-models/alias',
    handler: async (input, ctx) => {
      await (await registryOf(ctx)).deleteAlias(requiredString(input, 'name'), requiredString(input, 'alias'));
      return {};
    },
  },
  {
    method: 'GET',
    path: 'registered-models/alias',
    handler: async (input, ctx) => ({
      model_version: await (await registryOf(ctx)).getModelVersionByAlias(requiredString(input, 'name'), requiredString(input, 'alias')),
    }),
  },
];
