// What a first visit to the web app downloads before it can run: the module scripts and modulepreloads that
// dist/index.html names, gzipped. Budget: 150 KB (issue #20).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export const initialJsBudgetBytes = 150 * 1024;

/** Every script a built index.html loads at start (`<script type="module" src>` and `<link rel="modulepreload">`), as paths under `distDir`. */
export function initialScripts(html: string, distDir: string, base = '/app/'): string[] {
  const urls = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((match) => match[1] as string);
  return [...new Set(urls)].map((url) => path.join(distDir, url.startsWith(base) ? url.slice(base.length) : url.replace(/^\//, '')));
}

export function initialJsBytes(distDir: string): { files: Array<{ file: string; gzipBytes: number }>; totalGzipBytes: number } {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const files = initialScripts(html, distDir).map((file) => ({ file: path.relative(distDir, file), gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length }));
  return { files, totalGzipBytes: files.reduce((sum, file) => sum + file.gzipBytes, 0) };
}
