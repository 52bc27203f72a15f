import { defineConfig } from 'vite';

/**
 * The console is served under /console (locally by `npm start`, in AWS from S3 behind CloudFront). The build has
 * no inline script (the CSP allows scripts only from the console's own origin) and loads nothing from a CDN.
 */
export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Vite's modulepreload polyfill is an inline script: browsers the console supports preload modules natively.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
