import { defineConfig } from 'tsup';

/**
 * ESM only (see docs/packaging.md): one copy of every module, so `instanceof WirestateError` holds
 * across `import` and `require` (Node >= 20.19 loads ESM from `require`). Shared code goes into
 * chunks, so the `msgpack`, `bson` and `testing` entries use the same classes as the main one.
 * No source maps: the output is readable, unminified ES2022, and maps without the sources they
 * point to (src/ is not published) would only add size.
 */
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    msgpack: 'src/msgpack.ts',
    bson: 'src/bson.ts',
    'testing/index': 'src/testing/index.ts',
  },
  format: ['esm'],
  // stripInternal drops the test server's internal constructors, whose parameter types would need @types/ws.
  dts: { compilerOptions: { ignoreDeprecations: '6.0', stripInternal: true } },
  splitting: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  treeshake: true,
});
