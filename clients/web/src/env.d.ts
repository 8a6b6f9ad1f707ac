/** The API base URL baked in at build time (vite.config.ts); empty means the page's own origin. */
declare const __API_BASE_URL__: string;
/** The stage's realtime WebSocket URL baked in at build time; empty means `<api base>/realtime` (the local gateway). */
declare const __REALTIME_URL__: string;
