// npm run deploy:web: the upload plan (which Content-Type and Cache-Control each file gets, and in which order) and the
// uploads on a fake bucket; the hosting stack's outputs.
import { hostingOutputs, hostingStackName } from '../web/deploy';
import { immutableCacheControl, uploadAll, uploadPlan, type PlannedUpload } from '../web/upload-plan';

const build = ['index.html', 'sw.js', 'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'assets/index-Dr8U8-FY.js', 'assets/index-ClNpfBm4.css', 'assets/admin-B1x2.js'];

describe('uploadPlan', () => {
  test('hashed assets are immutable for a year; index.html, sw.js, the manifest and icons are no-cache', () => {
    // Act
    const plan = uploadPlan(build);
    const byFile = Object.fromEntries(plan.map((upload) => [upload.file, upload]));

    // Assess
    expect(byFile['assets/index-Dr8U8-FY.js']).toEqual({ file: 'assets/index-Dr8U8-FY.js', key: 'app/assets/index-Dr8U8-FY.js', contentType: 'text/javascript; charset=utf-8', cacheControl: immutableCacheControl });
    expect(byFile['assets/index-ClNpfBm4.css']).toMatchObject({ contentType: 'text/css; charset=utf-8', cacheControl: 'public, max-age=31536000, immutable' });
    expect(byFile['index.html']).toEqual({ file: 'index.html', key: 'app/index.html', contentType: 'text/html; charset=utf-8', cacheControl: 'no-cache' });
    expect(byFile['sw.js']).toMatchObject({ key: 'app/sw.js', contentType: 'text/javascript; charset=utf-8', cacheControl: 'no-cache' });
    expect(byFile['manifest.webmanifest']).toMatchObject({ contentType: 'application/manifest+json', cacheControl: 'no-cache' });
    expect(byFile['icons/icon.svg']).toMatchObject({ key: 'app/icons/icon.svg', contentType: 'image/svg+xml', cacheControl: 'no-cache' });
    expect(byFile['icons/icon-192.png']).toMatchObject({ contentType: 'image/png', cacheControl: 'no-cache' });
    expect(plan).toHaveLength(build.length);
  });

  test('assets go first and index.html last, after the service worker, so a page never names a file not there yet', () => {
    // Act
    const order = uploadPlan(build).map((upload) => upload.file);

    // Assess
    expect(order.slice(0, 3).every((file) => file.startsWith('assets/'))).toBe(true);
    expect(order.slice(-2)).toEqual(['sw.js', 'index.html']);
  });

  test('a file of unknown type stops the plan rather than ship as application/octet-stream', () => {
    // Act & Assess
    expect(() => uploadPlan(['index.html', 'assets/data.bin'])).toThrow(/Content-Type.*assets\/data\.bin/);
  });
});

describe('uploadAll', () => {
  test('puts every planned file, in order, with its body', async () => {
    // Prepare
    const plan = uploadPlan(['index.html', 'assets/a-1.js']);
    const puts: Array<{ upload: PlannedUpload; body: string }> = [];

    // Act
    await uploadAll(plan, (file) => Buffer.from(`body of ${file}`), { put: async (upload, body) => void puts.push({ upload, body: body.toString() }) });

    // Assess
    expect(puts.map((put) => [put.upload.key, put.upload.cacheControl, put.body])).toEqual([
      ['app/assets/a-1.js', immutableCacheControl, 'body of assets/a-1.js'],
      ['app/index.html', 'no-cache', 'body of index.html'],
    ]);
  });

  test('a failed put stops the upload before index.html', async () => {
    // Prepare
    const plan = uploadPlan(['index.html', 'assets/a-1.js', 'sw.js']);
    const keys: string[] = [];

    // Act
    const run = uploadAll(plan, () => Buffer.from('x'), {
      put: async (upload) => {
        if (upload.key === 'app/sw.js') throw new Error('AccessDenied');
        keys.push(upload.key);
      },
    });

    // Assess
    await expect(run).rejects.toThrow('AccessDenied');
    expect(keys).toEqual(['app/assets/a-1.js']);
  });
});

describe('the hosting stack', () => {
  test('is photonotes-web-<stage>; its outputs name the bucket, the distribution and the URL', () => {
    // Act
    const outputs = hostingOutputs([
      { OutputKey: 'WebBucketName', OutputValue: 'photonotes-web-dev-webbucket-1' },
      { OutputKey: 'WebDistributionId', OutputValue: 'E123' },
      { OutputKey: 'WebAppUrl', OutputValue: 'https://d111.cloudfront.net/app/' },
    ]);

    // Assess
    expect(hostingStackName('dev')).toBe('photonotes-web-dev');
    expect(outputs).toEqual({ bucket: 'photonotes-web-dev-webbucket-1', distributionId: 'E123', url: 'https://d111.cloudfront.net/app/' });
    expect(() => hostingOutputs([])).toThrow(/WebBucketName/);
  });
});
