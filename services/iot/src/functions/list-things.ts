// GET /things → the caller's things, newest first.
import { http, ok } from '@photonotes/shared/http';
import { registryDeps } from '../adapters/dependencies';
import { listThings } from '../domain/registry';
import { listThingsRoute } from '../routes/list-things';

const deps = registryDeps();

export const handler = http(listThingsRoute).handler(async ({ query, auth }) => ok(await listThings(query, auth, deps)));
