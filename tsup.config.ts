import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      node: 'src/node.ts',
      'testing/index': 'src/testing/index.ts',
      'devtools/index': 'src/devtools/index.ts',
      'devtools/node': 'src/devtools/node.ts',
    },
    format: ['esm', 'cjs'],
    dts: { compilerOptions: { ignoreDeprecations: '6.0' } },
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: true,
    // serveDevtools finds its page script beside its own module through import.meta.url, in CJS too.
    shims: true,
    // Only reached from a source checkout, where the prebuilt page script is absent (src/devtools/node/page.ts).
    external: ['esbuild'],
  },
  {
    // The page serveDevtools serves: one browser script with the panel and ELK inside.
    entry: { 'devtools/page': 'src/devtools/page/main.ts' },
    format: ['iife'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    noExternal: [/.*/],
    dts: false,
    clean: false,
  },
]);
