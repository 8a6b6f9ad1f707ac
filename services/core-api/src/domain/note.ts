// The note as the API shows it, the stored form behind it, and the rules every write shares:
// normalisation, visibility, the idempotency fingerprint and the photo state a key implies.
import { createHash } from 'node:crypto';

export type Visibility = 'private' | 'public';
export type PhotoStatus = 'pending' | 'ready' | 'failed';

export interface Thumbnail {
  url: string;
  width: number;
  height: number;
}

export interface Thumbnails {
  small: Thumbnail;
  medium: Thumbnail;
  large: Thumbnail;
}

export interface Photo {
  key: string;
  status: PhotoStatus;
  thumbnails: Thumbnails | null;
}

export interface Note {
  id: string;
  ownerId: string;
  title: string;
  body: string;
  tags: string[];
  visibility: Visibility;
  sharedWith: string[];
  photo: Photo | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What thumbnails reported for an upload once processing ended (media.processed). */
export interface ProcessedMedia {
  key: string;
  status: 'ready' | 'failed';
  thumbnails: Thumbnails | null;
  /** The uploader, when known: lets the account's upload records be found when it is deleted. */
  ownerId?: string;
}

export interface StoredNote extends Note {
  /** Fingerprint of the create request, so a replay can be told from a different payload. */
  createHash: string;
  /** Position of the note's latest entry in its owner's change feed; the repository maintains it. */
  changeSeq?: number;
}

/** The fields a client may set (POST and PATCH), after validation. */
export interface NoteFields {
  title: string;
  body: string;
  tags: string[];
  visibility: Visibility;
  sharedWith: string[];
  photoKey: string | null;
}

export function toNote(stored: Note): Note {
  return {
    id: stored.id,
    ownerId: stored.ownerId,
    title: stored.title,
    body: stored.body,
    tags: stored.tags,
    visibility: stored.visibility,
    sharedWith: stored.sharedWith,
    photo: stored.photo,
    version: stored.version,
    createdAt: stored.createdAt,
    updatedAt: stored.updatedAt,
  };
}

/**
 * The note as `viewerId` may see it (API.md): the sharee list is shown to the owner and to the users in it;
 * anyone else (a reader of a public note) sees an empty one, so a public note does not tell who it is shared with.
 */
export function viewOf(note: Note, viewerId: string): Note {
  const view = toNote(note);
  return isOwner(note, viewerId) || note.sharedWith.includes(viewerId) ? view : { ...view, sharedWith: [] };
}

/** Trimmed and lower-cased by validation already; here only first occurrences survive. */
export function normaliseTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim().toLowerCase()))];
}

/** Unique, and never the owner: an owner sees the note anyway. */
export function normaliseSharedWith(sharedWith: readonly string[], ownerId: string): string[] {
  return [...new Set(sharedWith)].filter((userId) => userId !== ownerId);
}

export function isOwner(note: Note, userId: string): boolean {
  return note.ownerId === userId;
}

export function canView(note: Note, userId: string): boolean {
  return isOwner(note, userId) || note.visibility === 'public' || note.sharedWith.includes(userId);
}

export function photoFor(key: string, media: ProcessedMedia | null): Photo {
  return media ? { key, status: media.status, thumbnails: media.thumbnails } : { key, status: 'pending', thumbnails: null };
}

export function createFingerprint(fields: NoteFields): string {
  const canonical = JSON.stringify([fields.title, fields.body, fields.tags, fields.visibility, fields.sharedWith, fields.photoKey]);
  return createHash('sha256').update(canonical).digest('base64url');
}

/** True when two versions of a note show the same content, so a write would change nothing. */
export function sameContent(a: Note, b: Note): boolean {
  return (
    a.title === b.title &&
    a.body === b.body &&
    a.visibility === b.visibility &&
    sameData(a.tags, b.tags) &&
    sameData(a.sharedWith, b.sharedWith) &&
    sameData(a.photo, b.photo)
  );
}

/** Structural equality of JSON-like data; stored maps come back with their keys in any order. */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b);
  if (aKeys.length !== bKeys.length) return false;
  const bRecord = b as Record<string, unknown>;
  return aKeys.every((key) => Object.hasOwn(bRecord, key) && sameData((a as Record<string, unknown>)[key], bRecord[key]));
}
