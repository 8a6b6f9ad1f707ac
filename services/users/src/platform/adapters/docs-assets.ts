// Reads the docs page's Swagger UI files from a directory: the users service's Lambda layer (/opt) when
// deployed, node_modules/swagger-ui-dist locally. Each file is read, and gzipped, once per container.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { DocsAsset } from '../domain/api-docs';

export interface LoadedAsset {
  bytes: Buffer;
  gzipped: Buffer;
}

export interface DocsAssetStore {
  read(file: DocsAsset): Promise<LoadedAsset>;
}

export function docsAssetStore(dir: string): DocsAssetStore {
  const loaded = new Map<DocsAsset, Promise<LoadedAsset>>();
  const load = async (file: DocsAsset): Promise<LoadedAsset> => {
    const bytes = await readFile(path.join(dir, file));
    return { bytes, gzipped: gzipSync(bytes, { level: 9 }) };
  };
  return {
    read(file) {
      let asset = loaded.get(file);
      if (!asset) {
        asset = load(file);
        // A failed read is not cached: the next request tries again.
        asset.catch(() => loaded.delete(file));
        loaded.set(file, asset);
      }
      return asset;
    },
  };
}
