// GET /docs: a page that renders the API's OpenAPI document with Swagger UI, whose files (from npm's
// swagger-ui-dist, never a CDN) it loads from GET /docs/assets/{file}. Only the files listed here are served.
import { createHash } from 'node:crypto';

/** The Swagger UI files the page loads, with their content types. The users service's layer ships exactly these. */
export const docsAssets = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
} as const;

export type DocsAsset = keyof typeof docsAssets;

export function isDocsAsset(file: string): file is DocsAsset {
  return Object.hasOwn(docsAssets, file);
}

// Relative URLs: the page works under any base path (a custom domain's mapping) as it does at the root.
// - The document's servers name `npm run dev`'s port and the deployed stages; "Try it out" should call the API that
//   serves this page (a test stack's port, a phone's LAN address), so its own address is put first.
// - The sign-in form trades an e-mail and password for an access token (POST /auth/login) and authorizes Swagger UI's
//   bearer scheme with it, for this tab's session (sessionStorage); signing out forgets it.
const initScript = `(function () {
  var here = new URL('.', window.location.href).href.replace(/\\/$/, '');
  var tokenKey = 'photonotes.docs.session';
  var thisApi = function () {
    return { statePlugins: { spec: { wrapActions: { updateJsonSpec: function (original) {
      return function (spec) {
        var servers = [{ url: here, description: 'This API (the address of this page)' }].concat((spec && spec.servers) || []);
        return original(Object.assign({}, spec, { servers: servers }));
      };
    } } } } };
  };
  var form = document.getElementById('sign-in');
  var signedIn = document.getElementById('signed-in');
  var status = document.getElementById('sign-in-status');
  function show(session) {
    form.hidden = Boolean(session);
    signedIn.hidden = !session;
    document.getElementById('signed-in-email').textContent = session ? session.email : '';
  }
  function authorize(session) {
    window.ui.preauthorizeApiKey('bearerAuth', session.accessToken);
    show(session);
  }
  function stored() {
    try { return JSON.parse(sessionStorage.getItem(tokenKey) || 'null'); } catch (error) { return null; }
  }
  window.ui = SwaggerUIBundle({
    url: 'openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Swagger UI would otherwise send the document to an external validator.
    validatorUrl: null,
    persistAuthorization: false,
    tryItOutEnabled: false,
    plugins: [thisApi],
    onComplete: function () {
      var session = stored();
      if (session) authorize(session);
    },
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var email = form.elements.email.value;
    status.textContent = 'Signing in…';
    fetch(here + '/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: email, password: form.elements.password.value }),
    })
      .then(function (res) {
        return res.json().then(function (body) {
          if (!res.ok) throw new Error((body && body.error && body.error.message) || 'Sign-in failed (' + res.status + ')');
          return body;
        });
      })
      .then(function (body) {
        var session = { email: email, accessToken: body.accessToken };
        sessionStorage.setItem(tokenKey, JSON.stringify(session));
        form.elements.password.value = '';
        status.textContent = '';
        authorize(session);
      })
      .catch(function (error) {
        status.textContent = error.message;
      });
  });
  document.getElementById('sign-out').addEventListener('click', function () {
    sessionStorage.removeItem(tokenKey);
    window.ui.authActions.logout(['bearerAuth']);
    show(null);
  });
})();`;

const signInBar = `<div class="sign-in-bar">
<form id="sign-in" method="post" action="#" aria-label="Sign in to try the API">
<label>E-mail <input name="email" type="email" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
<span id="sign-in-status" role="status"></span>
</form>
<div id="signed-in" hidden>Signed in as <strong id="signed-in-email"></strong>: "Try it out" sends your access token. <button id="sign-out" type="button">Sign out</button></div>
</div>`;

const signInStyle = `.sign-in-bar { max-width: 1460px; margin: 0 auto; padding: 12px 20px; font-family: sans-serif; font-size: 14px; border-bottom: 1px solid #e5e5e5; }
.sign-in-bar form:not([hidden]), .sign-in-bar #signed-in:not([hidden]) { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; }
.sign-in-bar input { margin-left: 4px; padding: 4px 6px; }
.sign-in-bar button { padding: 4px 12px; cursor: pointer; }`;

export interface DocsPage {
  html: string;
  contentSecurityPolicy: string;
}

/** `version` (swagger-ui-dist's) names the asset URLs, so browsers may cache them for good. */
export function docsPage(version: string): DocsPage {
  const asset = (file: DocsAsset) => `docs/assets/${file}?v=${encodeURIComponent(version)}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PhotoNotes API</title>
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
<style>${signInStyle}</style>
</head>
<body>
${signInBar}
<div id="swagger-ui"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script>${initScript}</script>
</body>
</html>
`;
  const scriptHash = createHash('sha256').update(initScript).digest('base64');
  // Swagger UI sets inline styles and draws icons as data: images; everything else comes from this API.
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'self' 'sha256-${scriptHash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, contentSecurityPolicy };
}

/** True when the client takes gzip (`Accept-Encoding: gzip, br` and the like, not `gzip;q=0`). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
