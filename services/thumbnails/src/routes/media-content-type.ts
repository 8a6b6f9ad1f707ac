// The image types the API takes (shared/src/media-keys.ts): what POST /media/uploads accepts and what an upload reports.
import { mediaKeyExtensions } from '@photonotes/shared/media-keys';
import type { MediaContentType } from '@photonotes/shared/media-keys';
import * as z from 'zod/mini';

const contentTypes = Object.keys(mediaKeyExtensions) as [MediaContentType, ...MediaContentType[]];

export const mediaContentType = z.enum(contentTypes);
