import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// Preact's automatic JSX runtime through Vite's own transform: no plugin needed for a production build.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    // No inline scripts or module-preload polyfill: the Content-Security-Policy allows script from files only.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
