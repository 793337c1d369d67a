import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The example's Vite config: the page lives in this folder; the library comes from ../../src. */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Pre-bundled at start, so the first page load does not stop to optimize them and reload.
  optimizeDeps: { include: ['rxjs', 'xstate', '@msgpack/msgpack', 'bson', 'elkjs/lib/elk.bundled.js'] },
  server: { host: '127.0.0.1' },
  build: { outDir: 'dist', emptyOutDir: true },
});
