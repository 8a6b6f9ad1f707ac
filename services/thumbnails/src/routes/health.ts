// GET /health/thumbnails: the probe of what the thumbnails service owns (src/functions/health.ts lists the checks).
import { serviceHealthRoute } from '@photonotes/shared/health-route';

export const healthRoute = serviceHealthRoute('thumbnails');
