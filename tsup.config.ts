import { defineConfig } from 'tsup';

/**
 * ESM only (see docs/packaging.md): one copy of every module, so `instanceof WirestateError` holds
 * across `import` and `require` (Node >= 20.19 loads ESM from `require`). Shared code goes into
 * chunks, so the `msgpack`, `bson`, `testing` and `devtools` entries use the same classes as the
 * main one. No source maps: the output is readable, unminified ES2022, and maps without the
 * sources they point to (src/ is not published) would only add size.
 */
export default defineConfig([
  {
    entry: {
      index: 'src/index.ts',
      node: 'src/node.ts',
      msgpack: 'src/msgpack.ts',
      bson: 'src/bson.ts',
      'testing/index': 'src/testing/index.ts',
      // The `wirestate-test-server` bin (package.json `bin`); its hashbang is kept and the file made executable.
      'bin/wirestate-test-server': 'src/testing/cli.ts',
      'devtools/index': 'src/devtools/index.ts',
      'devtools/node': 'src/devtools/node.ts',
    },
    format: ['esm'],
    // stripInternal drops the test server's internal constructors, whose parameter types would need @types/ws.
    dts: { compilerOptions: { ignoreDeprecations: '6.0', stripInternal: true } },
    splitting: true,
    sourcemap: false,
    clean: true,
    target: 'es2022',
    treeshake: true,
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
