// Test images made on the fly: a camera-like JPEG (EXIF orientation 6, GPS position, camera make), small
// PNGs, and a 45-megapixel PNG that weighs a few kilobytes.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Pixels stored landscape; orientation 6 tells viewers to turn them 90° clockwise (a portrait photo). */
export async function cameraJpeg(width = 1600, height = 1200): Promise<Buffer> {
  // Left half red, right half blue: after a correct turn, red is on top.
  const half = Math.floor(width / 2);
  const blue = await sharp({ create: { width: width - half, height, channels: 3, background: '#0000ff' } }).png().toBuffer();
  return sharp({ create: { width, height, channels: 3, background: '#ff0000' } })
    .composite([{ input: blue, left: half, top: 0 }])
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .withExif({
      IFD0: { Make: 'PhotoNotesTestCam', Model: 'Fixture 1' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' },
    })
    .toBuffer();
}

export function solidPng(width: number, height: number, colour = '#33aa55'): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A valid single-colour 1-bit greyscale PNG, written by hand so that 45 MP cost kilobytes, not seconds. */
export function hugeBlankPng(width = 7500, height = 6000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.writeUInt8(1, 8); // bit depth
  header.writeUInt8(0, 9); // greyscale
  // compression, filter and interlace methods stay 0
  const row = Math.ceil(width / 8) + 1; // filter byte + packed pixels
  const pixels = deflateSync(Buffer.alloc(row * height), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', pixels), pngChunk('IEND', Buffer.alloc(0))]);
}

/** True when an EXIF block (as sharp's metadata().exif returns it) holds a GPS IFD pointer (tag 0x8825). */
export function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  const tiff = exif.subarray(exif.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0);
  const little = tiff.subarray(0, 2).toString('latin1') === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  const ifd0 = u32(4);
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i += 1) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

/** The average colour of the top and bottom quarter of an image: which way up it is. */
export async function topAndBottom(image: Uint8Array): Promise<{ top: number[]; bottom: number[] }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const average = (fromRow: number, toRow: number) => {
    const sum = [0, 0, 0];
    let n = 0;
    for (let y = fromRow; y < toRow; y += 1) {
      for (let x = 0; x < info.width; x += 1) {
        const at = (y * info.width + x) * info.channels;
        for (let c = 0; c < 3; c += 1) sum[c] = (sum[c] as number) + (data[at + c] as number);
        n += 1;
      }
    }
    return sum.map((s) => Math.round(s / n));
  };
  const quarter = Math.max(1, Math.floor(info.height / 4));
  return { top: average(0, quarter), bottom: average(info.height - quarter, info.height) };
}
