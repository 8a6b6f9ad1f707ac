// What `npm run deploy:web` puts in the stage's bucket, and in which order: every file of the build under app/, with
// the Content-Type the local gateway serves it with and a Cache-Control the CloudFront cache policies honour. Hashed
// assets (assets/*) never change content: a year, immutable. Everything else (index.html, sw.js, the manifest,
// icons) keeps its name across builds: no-cache, so browsers and the edge revalidate and see a new build at once.
// Order: assets first, the rest, then sw.js and index.html last, so no visitor gets a page naming a file not there yet.
import path from 'node:path';
import { contentTypes } from '../platform/web-app';

export const immutableCacheControl = 'public, max-age=31536000, immutable';
export const revalidateCacheControl = 'no-cache';

export interface PlannedUpload {
  /** Relative to the build folder, '/' separated. */
  file: string;
  key: string;
  contentType: string;
  cacheControl: string;
}

const lastOf = ['sw.js', 'index.html'];

function rank(file: string): number {
  if (file.startsWith('assets/')) return 0;
  const last = lastOf.indexOf(file);
  return last === -1 ? 1 : 2 + last;
}

export function uploadPlan(files: readonly string[], prefix = 'app/'): PlannedUpload[] {
  return [...files]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((file) => {
      const contentType = contentTypes[path.extname(file).toLowerCase()];
      if (!contentType) throw new Error(`No Content-Type known for ${file}: add its extension to contentTypes (scripts/platform/web-app.ts).`);
      return { file, key: `${prefix}${file}`, contentType, cacheControl: file.startsWith('assets/') ? immutableCacheControl : revalidateCacheControl };
    });
}

export interface ObjectWriter {
  put(upload: PlannedUpload, body: Buffer): Promise<void>;
}

/** Uploads the plan one file at a time, in its order (a few dozen small files). */
export async function uploadAll(plan: readonly PlannedUpload[], read: (file: string) => Buffer, writer: ObjectWriter): Promise<void> {
  for (const upload of plan) await writer.put(upload, read(upload.file));
}
