// Peak memory and time of the thumbnail pipeline (services/thumbnails/src/adapters/image-processor.ts)
// on a 12-megapixel camera JPEG. Each run is a fresh Node process, as a cold Lambda would be, that loads
// sharp, inspects and renders all three thumbnails once; its peak RSS (getrusage maxrss) is the number
// that must stay under the 300 MB goal (Lambda bills memory by the function's peak).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, round, writeResult } from './support';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const goalMb = 300;

interface ChildResult {
  baselineRssMb: number;
  peakRssMb: number;
  inspectMs: number;
  renderMs: number;
  thumbnails: Array<{ size: string; width: number; height: number; bytes: number }>;
}

/** A 4032x3024 photo-like JPEG: smooth colour fields with texture, about the size a phone writes. */
async function cameraLikeJpeg(): Promise<Buffer> {
  const sharp = (await import('sharp')).default;
  const small = { width: 252, height: 189, channels: 3 as const };
  const pixels = Buffer.alloc(small.width * small.height * 3);
  for (let i = 0; i < pixels.length; i += 1) pixels[i] = (Math.sin(i / 997) * 127 + 128 + ((i * 7919) % 61)) & 0xff;
  const texture = await sharp({ create: { width: 4032, height: 3024, channels: 3, background: '#808080' } })
    .composite([{ input: Buffer.from(Array.from({ length: 64 * 64 * 3 }, (_, i) => (i * 2654435761) % 255)), raw: { width: 64, height: 64, channels: 3 }, tile: true, blend: 'overlay' }])
    .raw()
    .toBuffer();
  return sharp(pixels, { raw: small })
    .resize(4032, 3024, { kernel: 'cubic' })
    .composite([{ input: texture, raw: { width: 4032, height: 3024, channels: 3 }, blend: 'soft-light' }])
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

async function child(file: string): Promise<void> {
  const { sharpImageProcessor } = await import('../services/thumbnails/src/adapters/image-processor');
  const images = sharpImageProcessor();
  const bytes = readFileSync(file);
  const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
  let started = performance.now();
  const info = await images.inspect(bytes);
  const inspectMs = performance.now() - started;
  started = performance.now();
  const thumbnails = await images.render(bytes, info);
  const renderMs = performance.now() - started;
  const result: ChildResult = {
    baselineRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    inspectMs,
    renderMs,
    thumbnails: thumbnails.map(({ size, width, height, body }) => ({ size, width, height, bytes: body.byteLength })),
  };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'thumbnails-bench-'));
  try {
    const jpeg = await cameraLikeJpeg();
    const file = path.join(dir, 'photo-12mp.jpg');
    writeFileSync(file, jpeg);
    const results: ChildResult[] = [];
    for (let i = 0; i < runs; i += 1) {
      const out = spawnSync(process.execPath, [...process.execArgv, __filename, '--child', file], { encoding: 'utf8', env: { ...process.env, NODE_NO_WARNINGS: '1' } });
      if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
      results.push(JSON.parse(out.stdout) as ChildResult);
    }
    const peak = Math.max(...results.map((r) => r.peakRssMb));
    const result = {
      description: `${runs} fresh processes, each: load sharp, inspect + render small/medium/large WebP of one 4032x3024 JPEG (EXIF orientation 6)`,
      inputBytes: jpeg.byteLength,
      baselineRssMb: round(median(results.map((r) => r.baselineRssMb)), 1),
      peakRssMb: { median: round(median(results.map((r) => r.peakRssMb)), 1), max: round(peak, 1) },
      renderMs: { median: round(median(results.map((r) => r.renderMs)), 1) },
      inspectMs: { median: round(median(results.map((r) => r.inspectMs)), 2) },
      thumbnails: results[0]?.thumbnails,
      goalPeakRssMb: goalMb,
      withinGoal: peak < goalMb,
      summary: `12 MP JPEG: peak RSS ${round(peak, 0)} MB, render ${round(median(results.map((r) => r.renderMs)), 0)} ms (median of ${runs})`,
      goal: `peak < ${goalMb} MB`,
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(`written to ${writeResult('thumbnails-pipeline', result)}`);
    if (!result.withinGoal) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') void child(process.argv[3] as string);
else void main();
