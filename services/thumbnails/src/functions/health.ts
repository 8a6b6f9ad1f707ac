// GET /health/thumbnails: are the media table and bucket reachable?
import { healthHandler } from '@photonotes/shared/health';
import { bucketIsReachable, tableIsReachable } from '@photonotes/shared/health-checks';
import { mediaBucketName, mediaTableName } from '../adapters/dependencies';
import { healthRoute } from '../routes/health';

export const handler = healthHandler(healthRoute, {
  mediaTable: tableIsReachable(mediaTableName),
  mediaBucket: bucketIsReachable(mediaBucketName),
});
