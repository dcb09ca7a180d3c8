import { createElement, type ComponentType, type FunctionComponent } from 'react';
import type { ViewProps } from './view';

/** A view whose code loads on first use, and which can be loaded ahead of time. */
export interface LazyView extends FunctionComponent<ViewProps> {
  preload(): Promise<void>;
}

/**
 * Like React.lazy, but a view whose module has loaded renders at once, without suspending. That matters because
 * React 19 holds a Suspense boundary's content back for up to 300 ms after its fallback appeared (to batch
 * reveals): a view that suspends on every navigation costs 300 ms each time, even when its chunk is cached. So the
 * page loads the first view's chunk before its first render, and the other views' chunks when it is idle.
 */
export function lazyView(load: () => Promise<ComponentType<ViewProps>>): LazyView {
  let loaded: ComponentType<ViewProps> | undefined;
  let pending: Promise<void> | undefined;
  const preload = () =>
    (pending ??= load().then(
      (view) => {
        loaded = view;
      },
      (error) => {
        pending = undefined; // A failed chunk load (a server restarted with a new build) can be retried.
        throw error;
      },
    ));
  const View = (props: ViewProps) => {
    // Suspense's contract for code that is not ready: throw the promise that settles when it is.
    if (!loaded) throw preload();
    return createElement(loaded, props);
  };
  View.displayName = 'LazyView';
  View.preload = preload;
  return View;
}

/** Whether a route's view is a LazyView (the eager ones need no preload). */
export function isLazyView(view: ComponentType<ViewProps>): view is LazyView {
  return typeof (view as Partial<LazyView>).preload === 'function';
}
