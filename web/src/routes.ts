import { lazyView } from './lib/lazyView';
import type { RouteDef } from './lib/view';
import { ExperimentsView } from './views/ExperimentsView';
import { RunsView } from './views/RunsView';

/**
 * Every view of the UI, one line each: `{ path, view, nav? }` (`nav` puts it in the header). A heavy view can load
 * on first use, keeping the first page small (App wraps views in Suspense; main.tsx loads the first view's code before
 * it renders, and the others' when the page is idle):
 *   { path: '/compare', view: lazyView(() => import('./views/CompareView').then((m) => m.CompareView)) },
 */
export const ROUTES: RouteDef[] = [
  { path: '/', view: ExperimentsView, nav: 'Experiments' },
  { path: '/experiments/:id', view: RunsView },
  { path: '/runs', view: RunsView },
  { path: '/runs/:id', view: lazyView(() => import('./views/RunView').then((m) => m.RunView)) },
  { path: '/compare', view: lazyView(() => import('./views/CompareView').then((m) => m.CompareView)) },
  { path: '/pipeline', view: lazyView(() => import('./views/PipelineView').then((m) => m.PipelineView)), nav: 'Pipeline' },
  { path: '/models', view: lazyView(() => import('./views/ModelsView').then((m) => m.ModelsView)), nav: 'Models' },
];
