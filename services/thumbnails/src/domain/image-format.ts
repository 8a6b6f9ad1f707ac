// Recognises an upload's real format from its first bytes, so a file is judged by what it is and not by
// the content type its uploader declared.
import type { MediaContentType } from '@photonotes/shared/media-keys';

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export const formatOfContentType: Record<MediaContentType, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
};

/** The bytes detectImageFormat needs to look at. */
export const formatSignatureBytes = 12;

const pngSignature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, expected: number[], offset = 0): boolean {
  return expected.every((byte, i) => bytes[offset + i] === byte);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

export function detectImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  // JPEG: SOI marker followed by the start of another marker.
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, pngSignature)) return 'png';
  // WebP: a RIFF container whose form type is WEBP.
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  return undefined;
}

export function matchesContentType(bytes: Uint8Array, contentType: MediaContentType): boolean {
  return detectImageFormat(bytes) === formatOfContentType[contentType];
}
