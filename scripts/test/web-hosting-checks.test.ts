// check:deploy's rules for the web app's hosting stack (scripts/web/hosting-checks.ts), on the real template and on
// broken copies of it.
import { dataProtectionProblems, iamProblems } from '../check-deploy';
import { readHostingTemplate, webHostingProblems, type HostingTemplate } from '../web/hosting-checks';

/** Sets (or, with undefined, deletes) the value at `path` inside a resource's Properties. */
function change(template: HostingTemplate, id: string, path: Array<string | number>, value?: unknown): void {
  let node = template.Resources[id]!.Properties as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

describe('the web hosting template', () => {
  test('passes: OAC, private encrypted bucket read by this distribution only, HTTPS, security headers, cache policies', () => {
    // Prepare
    const template = readHostingTemplate();

    // Act & Assess
    expect(webHostingProblems(template)).toEqual([]);
    expect(dataProtectionProblems(template, 'prod')).toEqual([]);
    expect(iamProblems(template)).toEqual([]);
  });

  test('a legacy origin access identity, a public bucket or a policy for anyone fails', () => {
    // Prepare
    const template = readHostingTemplate();
    template.Resources.LegacyOai = { Type: 'AWS::CloudFront::CloudFrontOriginAccessIdentity', Properties: {} };
    change(template, 'WebCdn', ['DistributionConfig', 'Origins', 0, 'S3OriginConfig', 'OriginAccessIdentity'], 'origin-access-identity/cloudfront/E1');
    change(template, 'WebBucket', ['PublicAccessBlockConfiguration', 'RestrictPublicBuckets'], false);
    change(template, 'WebBucketPolicy', ['PolicyDocument', 'Statement', 0, 'Principal'], '*');
    change(template, 'WebBucketPolicy', ['PolicyDocument', 'Statement', 0, 'Condition']);

    // Act
    const problems = [...webHostingProblems(template), ...dataProtectionProblems(template, 'dev')];

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/LegacyOai: a legacy origin access identity/),
        expect.stringMatching(/origin web uses an origin access identity/),
        expect.stringMatching(/WebBucket: bucket public access not blocked \(RestrictPublicBuckets\)/),
        expect.stringMatching(/allows "\*", not only CloudFront/),
        expect.stringMatching(/without the condition AWS:SourceArn/),
      ]),
    );
  });

  test('plain HTTP, a behaviour without security headers, an edge-cached shell or no assets behaviour fails', () => {
    // Prepare
    const template = readHostingTemplate();
    change(template, 'WebCdn', ['DistributionConfig', 'DefaultCacheBehavior', 'ViewerProtocolPolicy'], 'allow-all');
    change(template, 'WebCdn', ['DistributionConfig', 'CacheBehaviors', 0, 'ResponseHeadersPolicyId']);
    change(template, 'WebShellCachePolicy', ['CachePolicyConfig', 'MinTTL'], 60);
    change(template, 'WebCdn', ['DistributionConfig', 'CacheBehaviors', 0, 'PathPattern'], '/assets/*');
    change(template, 'WebCdn', ['DistributionConfig', 'DefaultRootObject']);

    // Act
    const problems = webHostingProblems(template);

    // Assess
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/behaviour \(default\) allows plain HTTP/),
        expect.stringMatching(/behaviour \/assets\/\* without a response headers policy/),
        expect.stringMatching(/MinTTL 60/),
        expect.stringMatching(/no cache behaviour for \/app\/assets\/\*/),
        expect.stringMatching(/no DefaultRootObject/),
      ]),
    );
  });
});

describe("the hosting's viewer-request function (WebPaths)", () => {
  type Request = { uri: string };
  type Redirect = { statusCode: number; headers: { location: { value: string } } };
  const code = String(readHostingTemplate().Resources.WebPaths!.Properties!.FunctionCode);
  // CloudFront runs it as plain JavaScript (cloudfront-js-2.0); so does this test.
  const handler = new Function(`${code}; return handler;`)() as (event: { request: Request }) => Request | Redirect;
  const run = (uri: string) => handler({ request: { uri } });

  test('/app/ and folders are their index.html; files pass unchanged; / and /app move to /app/', () => {
    // Act & Assess
    expect(run('/app/')).toEqual({ uri: '/app/index.html' });
    expect(run('/app/icons/')).toEqual({ uri: '/app/icons/index.html' });
    expect(run('/app/assets/index-abc.js')).toEqual({ uri: '/app/assets/index-abc.js' });
    expect(run('/app/sw.js')).toEqual({ uri: '/app/sw.js' });
    expect(run('/')).toMatchObject({ statusCode: 301, headers: { location: { value: '/app/' } } });
    expect(run('/app')).toMatchObject({ statusCode: 301, headers: { location: { value: '/app/' } } });
  });
});
