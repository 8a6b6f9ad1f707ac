import { detectImageFormat, matchesContentType } from '../../src/domain/image-format';

const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x10, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00]);
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x24, 0x00, 0x00, 0x00]), Buffer.from('WEBP')]);

describe('detectImageFormat', () => {
  it.each([
    ['jpeg', jpeg],
    ['png', png],
    ['webp', webp],
  ])('recognises %s by its signature', (format, bytes) => {
    expect(detectImageFormat(bytes)).toBe(format);
  });

  it.each([
    ['a text file', Buffer.from('hello, this is not a photo')],
    ['an empty file', Buffer.alloc(0)],
    ['a truncated JPEG signature', Buffer.from([0xff, 0xd8])],
    ['a RIFF file that is not WebP (WAV)', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')])],
    ['a GIF', Buffer.from('GIF89a......')],
    ['a PNG signature with one byte wrong', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x00])],
  ])('recognises nothing in %s', (_name, bytes) => {
    expect(detectImageFormat(bytes)).toBeUndefined();
  });
});

describe('matchesContentType', () => {
  it('accepts bytes of the declared type', () => {
    expect(matchesContentType(jpeg, 'image/jpeg')).toBe(true);
    expect(matchesContentType(png, 'image/png')).toBe(true);
    expect(matchesContentType(webp, 'image/webp')).toBe(true);
  });

  it('refuses bytes of another type or of none', () => {
    expect(matchesContentType(png, 'image/jpeg')).toBe(false);
    expect(matchesContentType(jpeg, 'image/webp')).toBe(false);
    expect(matchesContentType(Buffer.from('plain text'), 'image/jpeg')).toBe(false);
  });
});
