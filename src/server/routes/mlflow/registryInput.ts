import type { SearchRegistryRequest } from '../../../registry/modelRegistryStore.js';
import type { RegistryTag } from '../../../registry/registryEntities.js';
import { invalid, objectList, optionalInt, optionalString, requiredString, stringList } from '../input.js';
import type { RouteInput } from '../route.js';

/** The `tags` of a create call: [{key, value}, ...]; the store checks each key and value. */
export function tagList(input: RouteInput): RegistryTag[] {
  return objectList(input, 'tags').map((tag, i) => {
    if (typeof tag.key !== 'string' || typeof tag.value !== 'string') throw invalid(`tags[${i}]`, tag, 'an object {"key": "...", "value": "..."} of strings');
    return { key: tag.key, value: tag.value };
  });
}

/** filter, order_by, max_results and page_token of a registry search, from a query string or a body. */
export function searchInput(input: RouteInput): SearchRegistryRequest {
  return {
    filter: optionalString(input, 'filter'),
    order_by: stringList(input, 'order_by'),
    max_results: optionalInt(input, 'max_results'),
    page_token: optionalString(input, 'page_token'),
  };
}

/** A tag's `value`: required, but the empty string is a value (MLflow stores it). */
export function requiredValue(input: RouteInput): string {
  return optionalString(input, 'value') ?? requiredString(input, 'value');
}
