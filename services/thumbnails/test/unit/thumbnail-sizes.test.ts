import { exceedsPixelLimit, fitInside, maxInputPixels, orientedDimensions, thumbnailSizes } from '../../src/domain/thumbnail-sizes';

describe('fitInside', () => {
  it.each([
    // landscape, portrait and square photos shrink to the longest side
    [{ width: 4000, height: 3000 }, 1024, { width: 1024, height: 768 }],
    [{ width: 3000, height: 4000 }, 1024, { width: 768, height: 1024 }],
    [{ width: 2048, height: 2048 }, 512, { width: 512, height: 512 }],
    // the shorter side rounds to the nearest pixel
    [{ width: 4032, height: 3024 }, 128, { width: 128, height: 96 }],
    [{ width: 1000, height: 333 }, 128, { width: 128, height: 43 }],
    [{ width: 333, height: 1000 }, 512, { width: 170, height: 512 }],
    // a panorama never ends with a zero-pixel side
    [{ width: 10000, height: 10 }, 128, { width: 128, height: 1 }],
  ])('fits %j in %i px', (source, longest, expected) => {
    // Act / Assess
    expect(fitInside(source, longest)).toEqual(expected);
  });

  it('never enlarges an image smaller than the box', () => {
    // Prepare
    const small = { width: 300, height: 200 };

    // Act
    const sizes = Object.values(thumbnailSizes).map((longest) => fitInside(small, longest));

    // Assess
    expect(sizes).toEqual([{ width: 128, height: 85 }, small, small]);
  });

  it('keeps an image exactly the size of the box', () => {
    expect(fitInside({ width: 1024, height: 700 }, 1024)).toEqual({ width: 1024, height: 700 });
  });
});

describe('orientedDimensions', () => {
  it.each([5, 6, 7, 8])('swaps width and height for EXIF orientation %i', (orientation) => {
    expect(orientedDimensions({ width: 4000, height: 3000 }, orientation)).toEqual({ width: 3000, height: 4000 });
  });

  it.each([undefined, 1, 2, 3, 4])('keeps them for orientation %s', (orientation) => {
    expect(orientedDimensions({ width: 4000, height: 3000 }, orientation)).toEqual({ width: 4000, height: 3000 });
  });
});

describe('exceedsPixelLimit', () => {
  it('allows exactly 40 megapixels and refuses one pixel more', () => {
    expect(maxInputPixels).toBe(40_000_000);
    expect(exceedsPixelLimit({ width: 8000, height: 5000 })).toBe(false);
    expect(exceedsPixelLimit({ width: 8000, height: 5000 + 1 })).toBe(true);
  });

  it('refuses a 45 megapixel image', () => {
    expect(exceedsPixelLimit({ width: 7500, height: 6000 })).toBe(true);
  });
});
