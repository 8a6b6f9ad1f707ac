// How the platform's functions get their dependencies, by the services' convention (README, "Wiring a
// service"): a getter per capability, built on first use, reading its own environment variables.
import { optionalEnv, requireEnv } from '@photonotes/shared/env';
import { docsAssetStore } from './docs-assets';
import type { DocsAssetStore } from './docs-assets';

let docsAssets: DocsAssetStore | undefined;
/** The Swagger UI files: the users service's Lambda layer when deployed, node_modules locally (DOCS_ASSETS_DIR). */
export function docsAssetsFromEnv(): DocsAssetStore {
  return (docsAssets ??= docsAssetStore(requireEnv('DOCS_ASSETS_DIR')));
}

/** The API's public base URL when configured (locally the gateway's); deployed, the request's own domain. */
export function publicBaseUrl(): string | undefined {
  return optionalEnv('PUBLIC_BASE_URL');
}
