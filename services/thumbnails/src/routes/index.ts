// Every route of the thumbnails service, in the order the OpenAPI document lists them (scripts/openapi). Handlers
// import their own route module, never this list.
import type { RouteSpec } from '@photonotes/shared/http-route';
import { createUploadRoute } from './create-upload';
import { getMediaRoute } from './get-media';
import { healthRoute } from './health';

export const routes: RouteSpec[] = [healthRoute, createUploadRoute, getMediaRoute];
