// A note's photo, the contract's media flow: POST /media/uploads for a ticket, the bytes PUT straight to the
// presigned URL (XMLHttpRequest, for upload progress), then GET /media/{key} until processing ends (ready with
// thumbnails, or failed). UI-free: the editor renders what these report.
import { isApiError } from '@photonotes/client';
import type { Client, Note, Schemas } from '@photonotes/client';

export type Media = Schemas['Media'];
export type Thumbnails = Schemas['Thumbnails'];
type ContentType = Schemas['Media']['contentType'];

export const photoTypes: readonly ContentType[] = ['image/jpeg', 'image/png', 'image/webp'];
export const maxPhotoBytes = 10 * 1024 * 1024;

/** Why a file cannot be a note's photo, in words; null when it can. */
export function photoProblem(file: { type: string; size: number }): string | null {
  if (!(photoTypes as readonly string[]).includes(file.type)) return 'Choose a JPEG, PNG or WebP image.';
  if (file.size < 1) return 'That file is empty.';
  if (file.size > maxPhotoBytes) return 'That image is over 10 MB; choose a smaller one.';
  return null;
}

/** The part of XMLHttpRequest an upload uses (tests pass a fake). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: unknown): void;
  abort(): void;
  readonly status: number;
  upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
}

/** PUTs `body` to a presigned URL; `onProgress` gets the fraction sent (0..1). Rejects on a refusal or no answer. */
export function putWithProgress(xhr: XhrLike, ticket: { uploadUrl: string; method: string; headers: Record<string, string> }, body: unknown, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    xhr.open(ticket.method, ticket.uploadUrl);
    for (const [name, value] of Object.entries(ticket.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
      } else reject(new Error(`The photo storage refused the upload (HTTP ${xhr.status}).`));
    };
    xhr.onerror = () => reject(new Error('The upload got no answer. Check your network and try again.'));
    xhr.onabort = () => reject(new Error('The upload was cancelled.'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/** The file as the upload needs it (a browser File is one). */
export interface PhotoFile {
  type: string;
  size: number;
}

/** Uploads a photo and answers its media key (to set as the note's photoKey). */
export async function uploadPhoto<F extends PhotoFile>(deps: { api: Pick<Client, 'post'>; xhr: () => XhrLike }, file: F, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<string> {
  const problem = photoProblem(file);
  if (problem) throw new Error(problem);
  const ticket = await deps.api.post('/media/uploads', { body: { contentType: file.type as ContentType, size: file.size }, ...(signal ? { signal } : {}) });
  onProgress(0);
  await putWithProgress(deps.xhr(), ticket, file, onProgress, signal);
  return ticket.key;
}

export interface Waiter {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  now(): number;
}

const realWaiter: Waiter = {
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    }),
  now: () => Date.now(),
};

/**
 * Reads GET /media/{key} until processing ends (`ready` or `failed`) and answers that media; `pending` after
 * `timeoutMs` is answered as it is (the caller says "still processing"). A failed read is retried until then.
 * Resolves undefined when `signal` aborts.
 */
export async function waitForMedia(api: Pick<Client, 'get'>, key: string, options: { intervalMs?: number; timeoutMs?: number; signal?: AbortSignal; waiter?: Waiter } = {}): Promise<Media | undefined> {
  const { intervalMs = 750, timeoutMs = 60_000, signal, waiter = realWaiter } = options;
  const deadline = waiter.now() + timeoutMs;
  let last: Media | undefined;
  let lastError: unknown;
  for (;;) {
    if (signal?.aborted) return undefined;
    try {
      last = await api.get('/media/{key}', { params: { key }, ...(signal ? { signal } : {}) });
      lastError = undefined;
      if (last.status !== 'pending') return last;
    } catch (error) {
      if (signal?.aborted) return undefined;
      if (isApiError(error) && error.status === 404) throw error; // not the caller's upload: asking again will not help
      lastError = error;
    }
    if (waiter.now() >= deadline) {
      if (last) return last;
      throw lastError;
    }
    await waiter.sleep(intervalMs, signal);
  }
}

/** What the editor shows of a note's photo. */
export type PhotoView =
  | { state: 'none' }
  | { state: 'uploading'; fraction: number }
  | { state: 'processing' }
  | { state: 'ready'; thumbnails: Thumbnails }
  | { state: 'failed'; message: string };

/** The view of a note's photo as the note has it (a pending one is processing). */
export function photoViewOf(photo: Note['photo']): PhotoView {
  if (!photo) return { state: 'none' };
  if (photo.status === 'ready' && photo.thumbnails) return { state: 'ready', thumbnails: photo.thumbnails };
  if (photo.status === 'failed') return { state: 'failed', message: failedMessage };
  return { state: 'processing' };
}

export const failedMessage = 'This photo could not be processed. Choose another image (JPEG, PNG or WebP, at most 40 megapixels).';

/** The view after a media read. */
export function photoViewOfMedia(media: Media): PhotoView {
  if (media.status === 'ready' && media.thumbnails) return { state: 'ready', thumbnails: media.thumbnails };
  if (media.status === 'failed') return { state: 'failed', message: failedMessage };
  return { state: 'processing' };
}

/** The label of the progress bar: "Uploading: 42 %" (not naming the photo: "Photo" labels the file input alone). */
export function progressText(fraction: number): string {
  return `Uploading: ${Math.round(fraction * 100)} %`;
}
