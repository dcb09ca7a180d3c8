/** @jsxRuntime automatic */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { isLazyView } from './lib/lazyView';
import { matchRoute, parseHash } from './lib/router';
import { ROUTES } from './routes';
import './styles.css';

function render() {
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

// The first view's code before the first render (so it does not suspend), then every other view's when the page is
// idle, so later navigations render at once too.
const first = matchRoute(ROUTES, parseHash(window.location.hash).path)?.route.view;
const preloadRest = () => {
  for (const route of ROUTES) if (isLazyView(route.view)) route.view.preload().catch(() => undefined);
};
(first && isLazyView(first) ? first.preload() : Promise.resolve()).catch(() => undefined).then(() => {
  render();
  (window.requestIdleCallback ?? ((fn: () => void) => setTimeout(fn, 200)))(preloadRest);
});
