import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './cli.js';
import { freePort } from './freePort.js';
import { service } from './service.js';

/** A real nginx on 127.0.0.1 serving `root` as static files with directory indexes, except below /noindex/. */
export interface Nginx {
  port: number;
  /** The served folder; tests fill it (for example by pushing to it as a local remote). */
  root: string;
  /** http://127.0.0.1:<port>/<sub> */
  url(sub?: string): string;
  /** Kills the server at once, as a crash would; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startNginx(): Promise<Nginx> {
  const tmp = tempDir('cairn-nginx-');
  const base = tmp.dir;
  const port = await freePort();
  const root = path.join(base, 'www');
  mkdirSync(root);
  mkdirSync(path.join(base, 'temp'));
  const config = path.join(base, 'nginx.conf');
  writeFileSync(config, `daemon off;
master_process off;
worker_processes 1;
pid ${base}/nginx.pid;
error_log ${base}/error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${base}/temp/body;
  proxy_temp_path ${base}/temp/proxy;
  fastcgi_temp_path ${base}/temp/fastcgi;
  uwsgi_temp_path ${base}/temp/uwsgi;
  scgi_temp_path ${base}/temp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    autoindex on;
    # Like many static hosts: files are served, folders are not listed.
    location /noindex/ { autoindex off; }
  }
}
`);
  const { start, stop } = service({
    name: 'nginx',
    command: '/usr/sbin/nginx',
    // -p sets the prefix so nginx never touches /var/log/nginx or /run.
    args: ['-p', base, '-c', config, '-e', path.join(base, 'error.log')],
    port,
    logFile: path.join(base, 'error.log'),
  });
  await start();
  return {
    port,
    root,
    url: (sub = '') => `http://127.0.0.1:${port}/${sub}`,
    stop,
    start,
    cleanup: async () => {
      await stop();
      tmp.cleanup();
    },
  };
}
