// Every route of the analytics service, in the order the OpenAPI document lists them (scripts/openapi). Handlers
// import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { healthRoute } from './health';
import { ingestEventsRoute } from './ingest-events';
import { readEventReportRoute } from './read-event-report';
import { readRetentionRoute } from './read-retention';
import { readSummaryRoute } from './read-summary';

export const routes: RouteSpec[] = [healthRoute, ingestEventsRoute, readSummaryRoute, readEventReportRoute, readRetentionRoute];
