import { defineConfig } from 'vite';

// The counter screen: built into dist/ui, served by posd at / with its assets under /ui/.
export default defineConfig({
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../dist/ui',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts (the page's CSP forbids them) and no module preload polyfill.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: true,
  },
});
