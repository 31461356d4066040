/*
 * The docs page: Swagger UI over /api/openapi.json, every script and style a file of this
 * service (GET /api/docs/<name>), so it works under `script-src 'self'` and offline.
 */

export const DOCS_OPENAPI_URL = '/api/openapi.json';

/** The icon is `data:,` so that the browser does not ask for /favicon.ico, which the token check would refuse (and count as a wrong token). */
export function docsPageHtml(title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>${escapeHtml(title)} — API docs</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;
}

/** `init.js`: starts Swagger UI once the bundle has loaded. */
export const DOCS_INIT_SCRIPT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '${DOCS_OPENAPI_URL}',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // The public validator would be a request to another host.
    validatorUrl: null,
  });
});
`;

/**
 * The app's Content-Security-Policy for the page, without `upgrade-insecure-requests`. Every
 * URL the page loads is a same-origin path, so over HTTPS the directive changes nothing; over
 * plain HTTP (any host but localhost, and Safari even there) it makes the browser fetch the
 * page's own scripts over https://, which fails and leaves a blank page.
 */
export function docsPagePolicy(appPolicy: string): string {
  return appPolicy
    .split(';')
    .map((directive) => directive.trim())
    .filter((directive) => directive !== '' && directive.split(/\s+/)[0]!.toLowerCase() !== 'upgrade-insecure-requests')
    .join(';');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
