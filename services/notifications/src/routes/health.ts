// GET /health/notifications: the probe of what the notifications service owns (src/functions/health.ts lists the checks).
import { serviceHealthRoute } from '@photonotes/shared/health-route';

export const healthRoute = serviceHealthRoute('notifications');
