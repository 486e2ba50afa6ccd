import type { App } from '../../app-type.js';
import { type OpenApiDoc, renderDocs } from './render-docs.js';

type DocConfig = Parameters<App['getOpenAPI31Document']>[0];

/** GET /docs: the API reference, rendered from the same document as /openapi.json. */
export function registerDocs(app: App, config: DocConfig) {
  let html: string | undefined;
  app.get('/docs', (c) => {
    // The routes are fixed once the app is built, so render once per isolate.
    html ??= renderDocs(app.getOpenAPI31Document(config) as unknown as OpenApiDoc);
    return c.html(html, 200, {
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
    });
  });
}
