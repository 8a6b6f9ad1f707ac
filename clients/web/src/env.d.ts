/** The API base URL baked in at build time (vite.config.ts); empty means the page's own origin. */
declare const __API_BASE_URL__: string;
