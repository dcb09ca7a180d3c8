import { Suspense } from 'react';
import { matchRoute } from './lib/router';
import { useLocation } from './lib/useRoute';
import { ROUTES } from './routes';
import { Header } from './components/Header';
import { ErrorBoundary } from './components/ErrorBoundary';

export function App() {
  const [location, navigate] = useLocation();
  const match = matchRoute(ROUTES, location.path);
  const View = match?.route.view;
  return (
    <div className="app">
      <Header routes={ROUTES} path={location.path} />
      <main className="main">
        <ErrorBoundary key={location.path}>
          <Suspense fallback={<div className="loading">Loading…</div>}>
            {View ? (
              <View params={match.params} query={location.query} navigate={navigate} />
            ) : (
              <div className="empty">
                <h2>Nothing here</h2>
                <p>
                  No view answers <code>#{location.path}</code>. <a href="#/">Go to the experiments</a>.
                </p>
              </div>
            )}
          </Suspense>
        </ErrorBoundary>
      </main>
    </div>
  );
}
