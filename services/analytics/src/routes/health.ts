// GET /health/analytics: the probe of what the analytics service owns (src/functions/health.ts lists the checks).
import { serviceHealthRoute } from '@photonotes/shared/health-route';

export const healthRoute = serviceHealthRoute('analytics');
