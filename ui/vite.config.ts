import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** This directory, without Node's types (the UI's tsconfig is browser-only). */
const here = decodeURIComponent(new URL('.', import.meta.url).pathname);

/**
 * Builds the web UI into `dist/ui` (next to the compiled server, so it ships in the npm
 * package). Asset names carry a content hash: the server caches `/assets/*` forever and
 * `index.html` never.
 */
export default defineConfig({
  root: here,
  // Relative: index.html gets a <base href> from the server, so the build works under any path prefix.
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}../dist/ui`,
    emptyOutDir: true,
    assetsDir: 'assets',
  },
});
