import { useEffect, useState } from 'react';
import { getInfo, type ServerInfo } from '../api/native';
import type { RouteDef } from '../lib/view';
import { TokenPrompt } from './TokenPrompt';

/** The top bar: the product, the top-level views, and the server's version and backend. */
export function Header({ routes, path }: { routes: RouteDef[]; path: string }) {
  const [info, setInfo] = useState<ServerInfo | null>(null);
  const [needsToken, setNeedsToken] = useState(false);
  useEffect(() => {
    const ctrl = new AbortController();
    getInfo(ctrl.signal)
      .then(setInfo)
      .catch((err) => {
        if (err?.status === 401 || err?.status === 403) setNeedsToken(true);
      });
    return () => ctrl.abort();
  }, []);
  return (
    <header className="header">
      <a className="brand" href="#/">
        cairn
      </a>
      <nav>
        {routes
          .filter((r) => r.nav)
          .map((r) => {
            const active = r.path === '/' ? path === '/' || path.startsWith('/experiments') || path === '/runs' : path.startsWith(r.path);
            return (
              <a key={r.path} href={`#${r.path}`} className={active ? 'active' : undefined}>
                {r.nav}
              </a>
            );
          })}
      </nav>
      <span className="spacer" />
      {info && (
        <span className="server-info" title={info.backend}>
          cairn {info.version}
        </span>
      )}
      {needsToken && <TokenPrompt />}
    </header>
  );
}
