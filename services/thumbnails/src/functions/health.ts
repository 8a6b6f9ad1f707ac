// GET /health/thumbnails: are the media table and bucket reachable?
import { healthHandler } from '@photonotes/shared/health';
import { bucketIsReachable, tableIsReachable } from '@photonotes/shared/health-checks';
import { requireEnv } from '@photonotes/shared/env';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  mediaTable: tableIsReachable(requireEnv('MEDIA_TABLE')),
  mediaBucket: bucketIsReachable(requireEnv('MEDIA_BUCKET')),
});
