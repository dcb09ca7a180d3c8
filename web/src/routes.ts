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
];
