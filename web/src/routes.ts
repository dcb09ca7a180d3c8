import { lazy } from 'react';
import type { RouteDef } from './lib/view';
import { ExperimentsView } from './views/ExperimentsView';
import { RunsView } from './views/RunsView';

/**
 * Every view of the UI, one line each: `{ path, view, nav? }`. Heavy views can be `lazy(() => import(...))` so the
 * first page stays small; App wraps them in Suspense.
 */
export const ROUTES: RouteDef[] = [
  { path: '/', view: ExperimentsView, nav: 'Experiments' },
  { path: '/experiments/:id', view: RunsView },
  { path: '/runs', view: RunsView },
];

// Kept so `lazy` stays imported for views added below (U2's compare, run page, pipeline and models views).
void lazy;
