import { useCallback, useEffect, useState } from 'react';
import { formatHash, parseHash, type Location } from './router';

/** How a view changes the URL: `replace` for typing in a box (no history entry per key), push otherwise. */
export type Navigate = (path: string, query?: Record<string, string | undefined | null>, options?: { replace?: boolean }) => void;

/** The current hash location, re-rendered on every change (links, back/forward, navigate()). */
export function useLocation(): [Location, Navigate] {
  const [location, setLocation] = useState<Location>(() => parseHash(window.location.hash));
  useEffect(() => {
    const onChange = () => setLocation(parseHash(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  const navigate = useCallback<Navigate>((path, query = {}, options = {}) => {
    const hash = formatHash(path, query);
    if (hash === window.location.hash) return;
    if (options.replace) {
      window.history.replaceState(null, '', hash);
      // replaceState fires no hashchange: tell the app ourselves.
      setLocation(parseHash(hash));
    } else {
      window.location.hash = hash;
    }
  }, []);
  return [location, navigate];
}
