// The web app's build: served under /app by the gateway (locally) and by the stage's static hosting.
// PHOTONOTES_API_URL is the API base URL baked into a build ('' = same origin, the `local` stage) and
// PHOTONOTES_REALTIME_URL the stage's WebSocket URL ('' = `<api base>/realtime`, the local gateway's);
// PHOTONOTES_HMR_PORT is the port the browser reaches Vite's HMR socket on (the gateway's, in `npm run dev`).
import path from 'node:path';
import { defineConfig } from 'vite';
import { serviceWorkerPlugin } from './build/service-worker-plugin.ts';

const hmrPort = Number(process.env.PHOTONOTES_HMR_PORT) || undefined;

export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  // The client's source, as tsconfig `paths` has it (its package.json points at the published build in dist/).
  resolve: { alias: { '@photonotes/client': path.resolve(import.meta.dirname, '../typescript/src/index.ts') } },
  define: { __API_BASE_URL__: JSON.stringify(process.env.PHOTONOTES_API_URL ?? ''), __REALTIME_URL__: JSON.stringify(process.env.PHOTONOTES_REALTIME_URL ?? '') },
  // A production build also writes sw.js, the offline app shell's service worker (main.tsx registers it).
  plugins: [serviceWorkerPlugin(path.join(import.meta.dirname, 'src/pwa/service-worker.ts'))],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { strictPort: true, hmr: hmrPort ? { clientPort: hmrPort } : true },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  clearScreen: false,
  logLevel: 'warn',
});
