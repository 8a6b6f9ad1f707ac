// The sharp adapter against real images (generated in memory): orientation, metadata, sizes, limits.
import sharp from 'sharp';
import { sharpImageProcessor } from '../../src/adapters/image-processor';
import { ImageRejectedError } from '../../src/domain/ports';
import { cameraJpeg, exifHasGps, hugeBlankPng, solidPng, topAndBottom } from '../support/images';

const images = sharpImageProcessor();

describe('sharp image processor', () => {
  it('turns a photo by its EXIF orientation and strips EXIF, GPS included', async () => {
    // Prepare
    const photo = await cameraJpeg(1600, 1200);
    const original = await sharp(photo).metadata();
    expect(original.orientation).toBe(6);
    expect(exifHasGps(original.exif)).toBe(true);

    // Act
    const info = await images.inspect(photo);
    const thumbnails = await images.render(photo, info);

    // Assess
    expect(info).toEqual({ format: 'jpeg', width: 1600, height: 1200, orientation: 6 });
    expect(thumbnails.map(({ size, width, height }) => ({ size, width, height }))).toEqual([
      { size: 'small', width: 96, height: 128 },
      { size: 'medium', width: 384, height: 512 },
      { size: 'large', width: 768, height: 1024 },
    ]);
    for (const thumbnail of thumbnails) {
      const written = await sharp(thumbnail.body).metadata();
      expect({ format: written.format, width: written.width, height: written.height }).toEqual({ format: 'webp', width: thumbnail.width, height: thumbnail.height });
      expect(written.exif).toBeUndefined();
      expect(written.xmp).toBeUndefined();
      expect(written.orientation).toBeUndefined();
      // Red was on the left of the stored pixels: turned clockwise, it is on top.
      const { top, bottom } = await topAndBottom(thumbnail.body);
      expect(top[0]).toBeGreaterThan(200);
      expect(top[2]).toBeLessThan(60);
      expect(bottom[2]).toBeGreaterThan(200);
      expect(bottom[0]).toBeLessThan(60);
    }
  });

  it('never enlarges a small image', async () => {
    // Prepare
    const png = await solidPng(300, 200);

    // Act
    const thumbnails = await images.render(png, await images.inspect(png));

    // Assess
    expect(thumbnails.map(({ size, width, height }) => ({ size, width, height }))).toEqual([
      { size: 'small', width: 128, height: 85 },
      { size: 'medium', width: 300, height: 200 },
      { size: 'large', width: 300, height: 200 },
    ]);
  });

  it('reads the size of a 45 megapixel image without decoding it, and refuses to decode it', async () => {
    // Prepare
    const png = hugeBlankPng(7500, 6000);
    expect(png.byteLength).toBeLessThan(100_000);

    // Act
    const info = await images.inspect(png);
    const rendering = images.render(png, info);

    // Assess
    expect(info).toEqual({ format: 'png', width: 7500, height: 6000 });
    await expect(rendering).rejects.toThrow(ImageRejectedError);
    await expect(rendering).rejects.toThrow(/pixel limit/);
  });

  it('refuses bytes that are no image', async () => {
    // Prepare
    const text = Buffer.from('this is a text file, not a JPEG\n'.repeat(20));

    // Act / Assess
    await expect(images.inspect(text)).rejects.toThrow(ImageRejectedError);
  });

  it('refuses a truncated JPEG', async () => {
    // Prepare
    const photo = await cameraJpeg(1600, 1200);
    const truncated = photo.subarray(0, Math.floor(photo.byteLength / 3));

    // Act / Assess
    await expect(images.render(truncated, await images.inspect(truncated))).rejects.toThrow(ImageRejectedError);
  });
});
