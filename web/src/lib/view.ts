import type { ComponentType } from 'react';
import type { Navigate } from './useRoute';

/** What every view gets: its path params, its query (its whole state) and how to change the URL. */
export interface ViewProps {
  params: Record<string, string>;
  query: Record<string, string>;
  navigate: Navigate;
}

export interface RouteDef {
  /** `/runs/:id` syntax; the first matching route wins. */
  path: string;
  view: ComponentType<ViewProps>;
  /** A label for the header's navigation, for top-level views. */
  nav?: string;
}
