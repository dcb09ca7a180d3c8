import type { ViewProps } from '../lib/view';

/** The runs of one experiment (`#/experiments/:id`) or several (`#/runs?exp=1,2`). */
export function RunsView({ params, query }: ViewProps) {
  const ids = params.id ? [params.id] : (query.exp ?? '').split(',').filter(Boolean);
  return (
    <section className="view runs-view">
      <h1>Runs of {ids.join(', ')}</h1>
    </section>
  );
}
