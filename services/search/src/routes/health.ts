// GET /health/search: the probe of what the search service owns (src/functions/health.ts lists the checks).
import { serviceHealthRoute } from '@photonotes/shared/health-route';

export const healthRoute = serviceHealthRoute('search');
