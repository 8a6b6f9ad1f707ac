// GET /health/iot: the probe of what the iot service owns (src/functions/health.ts lists the checks).
import { serviceHealthRoute } from '@photonotes/shared/health-route';

export const healthRoute = serviceHealthRoute('iot');
