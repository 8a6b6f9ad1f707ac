// A note's photo: the upload ticket, the PUT with progress, and waiting for processing (fake API, XHR and clock).
import { ApiError } from '@photonotes/client';
import type { Client } from '@photonotes/client';
import { photoProblem, photoViewOf, photoViewOfMedia, progressText, putWithProgress, uploadPhoto, waitForMedia, type Media, type Waiter, type XhrLike } from '../src/photo';

const thumbnails = {
  small: { url: 'http://media.test/s.jpg', width: 128, height: 96 },
  medium: { url: 'http://media.test/m.jpg', width: 512, height: 384 },
  large: { url: 'http://media.test/l.jpg', width: 1024, height: 768 },
};

/** An XHR that records what it was asked and answers `status` after reporting the given progress. */
function fakeXhr(status: number, progress: [number, number][] = [], outcome: 'load' | 'error' = 'load') {
  const log: string[] = [];
  const xhr: XhrLike & { log: string[]; body: unknown } = {
    log,
    body: undefined,
    status: 0,
    upload: { onprogress: null },
    onload: null,
    onerror: null,
    onabort: null,
    open: (method, url) => void log.push(`${method} ${url}`),
    setRequestHeader: (name, value) => void log.push(`${name}: ${value}`),
    abort: () => void log.push('abort'),
    send(body) {
      xhr.body = body;
      queueMicrotask(() => {
        for (const [loaded, total] of progress) xhr.upload.onprogress?.({ loaded, total, lengthComputable: true });
        (xhr as { status: number }).status = status;
        if (outcome === 'load') xhr.onload?.();
        else xhr.onerror?.();
      });
    },
  };
  return xhr;
}

const ticket = { key: 'u1/abc', uploadUrl: 'http://s3.test/bucket/u1/abc?sig=1', method: 'PUT' as const, headers: { 'Content-Type': 'image/png' }, expiresAt: '2026-12-01T10:15:00.000Z' };

describe('photoProblem', () => {
  test('accepts JPEG, PNG and WebP up to 10 MiB, and says why anything else is refused', () => {
    // Act
    const answers = [
      photoProblem({ type: 'image/png', size: 1 }),
      photoProblem({ type: 'image/webp', size: 10 * 1024 * 1024 }),
      photoProblem({ type: 'image/gif', size: 100 }),
      photoProblem({ type: 'image/jpeg', size: 0 }),
      photoProblem({ type: 'image/jpeg', size: 10 * 1024 * 1024 + 1 }),
    ];

    // Assess
    expect(answers).toEqual([null, null, 'Choose a JPEG, PNG or WebP image.', 'That file is empty.', 'That image is over 10 MB; choose a smaller one.']);
  });
});

describe('uploadPhoto', () => {
  test('asks for a ticket with the type and size, PUTs the bytes with its headers, reports progress and answers the key', async () => {
    // Prepare
    const posts: unknown[] = [];
    const api = { post: (path: string, options: unknown) => (posts.push({ path, options }), Promise.resolve(ticket)) } as unknown as Pick<Client, 'post'>;
    const xhr = fakeXhr(200, [[25, 100], [100, 100]]);
    const file = { type: 'image/png', size: 100 };
    const fractions: number[] = [];

    // Act
    const key = await uploadPhoto({ api, xhr: () => xhr }, file, (fraction) => fractions.push(fraction));

    // Assess
    expect(key).toBe('u1/abc');
    expect(posts).toEqual([{ path: '/media/uploads', options: { body: { contentType: 'image/png', size: 100 } } }]);
    expect(xhr.log).toEqual(['PUT http://s3.test/bucket/u1/abc?sig=1', 'Content-Type: image/png']);
    expect(xhr.body).toBe(file);
    expect(fractions).toEqual([0, 0.25, 1, 1]);
  });

  test('a file of another type is refused before any call', async () => {
    // Prepare
    const post = jest.fn();
    const api = { post } as unknown as Pick<Client, 'post'>;

    // Act
    const failure = await uploadPhoto({ api, xhr: () => fakeXhr(200) }, { type: 'text/plain', size: 5 }, () => undefined).catch((error: unknown) => error);

    // Assess
    expect(failure).toEqual(new Error('Choose a JPEG, PNG or WebP image.'));
    expect(post).not.toHaveBeenCalled();
  });
});

describe('putWithProgress', () => {
  test('a refusal by the storage and a lost connection both reject with a sentence', async () => {
    // Act
    const refused = await putWithProgress(fakeXhr(403), ticket, 'x', () => undefined).catch((error: unknown) => error);
    const lost = await putWithProgress(fakeXhr(0, [], 'error'), ticket, 'x', () => undefined).catch((error: unknown) => error);

    // Assess
    expect(refused).toEqual(new Error('The photo storage refused the upload (HTTP 403).'));
    expect(lost).toEqual(new Error('The upload got no answer. Check your network and try again.'));
  });
});

/** A clock that moves only when slept on. */
function fakeWaiter(): Waiter & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

function media(status: Media['status']): Media {
  return { key: 'u1/abc', status, contentType: 'image/png', width: status === 'ready' ? 64 : null, height: status === 'ready' ? 48 : null, thumbnails: status === 'ready' ? thumbnails : null };
}

function apiAnswering(...answers: (Media | Error)[]) {
  const get = jest.fn(() => {
    const next = answers.shift();
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  return { api: { get } as unknown as Pick<Client, 'get'>, get };
}

describe('waitForMedia', () => {
  test('reads GET /media/{key} until processing ends, retrying a read that got no answer', async () => {
    // Prepare
    const { api, get } = apiAnswering(media('pending'), new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'offline' }), media('ready'));
    const waiter = fakeWaiter();

    // Act
    const result = await waitForMedia(api, 'u1/abc', { intervalMs: 500, waiter });

    // Assess
    expect(result?.status).toBe('ready');
    expect(get).toHaveBeenCalledTimes(3);
    expect(get).toHaveBeenCalledWith('/media/{key}', { params: { key: 'u1/abc' } });
    expect(waiter.slept).toEqual([500, 500]);
    expect(photoViewOfMedia(result as Media)).toEqual({ state: 'ready', thumbnails });
  });

  test('a failed processing ends the wait as failed; a 404 is not asked again', async () => {
    // Prepare
    const failed = apiAnswering(media('failed'));
    const missing = apiAnswering(new ApiError({ status: 404, code: 'NOT_FOUND', message: 'Not found' }));

    // Act
    const result = await waitForMedia(failed.api, 'u1/abc', { waiter: fakeWaiter() });
    const error = await waitForMedia(missing.api, 'u1/abc', { waiter: fakeWaiter() }).catch((e: unknown) => e);

    // Assess
    expect(photoViewOfMedia(result as Media).state).toBe('failed');
    expect(error).toMatchObject({ status: 404 });
    expect(missing.get).toHaveBeenCalledTimes(1);
  });

  test('still pending at the deadline: answers the pending media (the screen keeps saying processing)', async () => {
    // Prepare
    const { api, get } = apiAnswering(media('pending'), media('pending'), media('pending'));

    // Act
    const result = await waitForMedia(api, 'u1/abc', { intervalMs: 1000, timeoutMs: 2000, waiter: fakeWaiter() });

    // Assess
    expect(result?.status).toBe('pending');
    expect(get).toHaveBeenCalledTimes(3);
  });

  test('an aborted wait resolves undefined without another read', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    const { api, get } = apiAnswering(media('ready'));

    // Act
    const result = await waitForMedia(api, 'u1/abc', { signal: controller.signal, waiter: fakeWaiter() });

    // Assess
    expect(result).toBeUndefined();
    expect(get).not.toHaveBeenCalled();
  });
});

describe('photo views', () => {
  test("a note's photo: none, processing while pending, ready with thumbnails, failed with a sentence", () => {
    // Act
    const views = [
      photoViewOf(null),
      photoViewOf({ key: 'k', status: 'pending', thumbnails: null }),
      photoViewOf({ key: 'k', status: 'ready', thumbnails }),
      photoViewOf({ key: 'k', status: 'failed', thumbnails: null }),
    ];

    // Assess
    expect(views.map((view) => view.state)).toEqual(['none', 'processing', 'ready', 'failed']);
    expect(progressText(0.426)).toBe('Uploading: 43 %');
  });
});
