// GET /docs/assets/{file}: the Swagger UI files of the docs page, from the users service's Lambda layer
// (DOCS_ASSETS_DIR): they are ~2 MB, far over an HTTP function's zip budget, and change only with swagger-ui-dist.
import { dependencies } from '@photonotes/shared/dependencies';
import { NotFoundError } from '@photonotes/shared/errors';
import { http, raw } from '@photonotes/shared/http-public';
import { docsAssetsFromEnv } from '../adapters/dependencies';
import { acceptsGzip, docsAssets, isDocsAsset } from '../domain/api-docs';
import { docsAssetRoute } from '../routes/docs-asset';

const deps = dependencies({ assets: docsAssetsFromEnv });

export const handler = http(docsAssetRoute).handler(async ({ path, headers }) => {
  if (!isDocsAsset(path.file)) throw new NotFoundError(`No docs asset ${path.file}`);
  const asset = await deps.assets.read(path.file);
  const gzip = acceptsGzip(headers['accept-encoding']);
  return raw(200, gzip ? asset.gzipped : asset.bytes, docsAssets[path.file], {
    // The page asks for ?v=<swagger-ui version>: a new version is a new URL.
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'accept-encoding',
    'x-content-type-options': 'nosniff',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
  });
});
