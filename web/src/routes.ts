import { lazy } from 'react';
import type { RouteDef } from './lib/view';
import { ExperimentsView } from './views/ExperimentsView';
import { RunsView } from './views/RunsView';

/**
 * Every view of the UI, one line each: `{ path, view, nav? }` (`nav` puts it in the header). A heavy view can load
 * on first use, keeping the first page small (App wraps views in Suspense):
 *   { path: '/compare', view: lazy(() => import('./views/CompareView').then((m) => ({ default: m.CompareView }))) },
 */
export const ROUTES: RouteDef[] = [
  { path: '/', view: ExperimentsView, nav: 'Experiments' },
  { path: '/experiments/:id', view: RunsView },
  { path: '/runs', view: RunsView },
  { path: '/runs/:id', view: lazy(() => import('./views/RunView').then((m) => ({ default: m.RunView }))) },
  { path: '/compare', view: lazy(() => import('./views/CompareView').then((m) => ({ default: m.CompareView }))) },
  { path: '/pipeline', view: lazy(() => import('./views/PipelineView').then((m) => ({ default: m.PipelineView }))), nav: 'Pipeline' },
  { path: '/models', view: lazy(() => import('./views/ModelsView').then((m) => ({ default: m.ModelsView }))), nav: 'Models' },
];
