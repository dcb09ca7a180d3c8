import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// The UI is built into the package (dist/web) and served by `cairn server` / `cairn ui`; `base: './'` keeps asset
// URLs relative so a server behind a path prefix serves it too.
export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  resolve: {
    // The server's own filter grammar, never a second copy: the filter box parses exactly what the search accepts.
    alias: {
      '@cairn/filter': path.resolve(here, '../src/tracking/filter/index.ts'),
      '@cairn/format-bytes': path.resolve(here, '../src/core/formatBytes.ts'),
    },
  },
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
