import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp('api_docs');
});
afterAll(() => t?.db.drop());

describe('API documentation', () => {
  it('describes every route with its security in /openapi.json', async () => {
    const doc = await (await t.app.request('/openapi.json')).json();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/ingest',
        '/v1/devices',
        '/v1/devices/{id}',
        '/v1/devices/{id}/rotate-secret',
        '/v1/devices/{id}/revoke',
        '/v1/api-keys',
        '/v1/api-keys/{id}/revoke',
      ]),
    );
    expect(doc.paths['/v1/devices'].post.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/v1/devices'].post.responses).toHaveProperty('403');
  });

  it('serves a readable page generated from the same document, with no scripts', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).not.toContain('<script');
    for (const path of ['/v1/devices/{id}/rotate-secret', '/v1/api-keys', '/v1/ingest']) {
      expect(html).toContain(`<code>${path}</code>`);
    }
    // Field names, constraints and error answers come from the zod schemas.
    expect(html).toContain('<code>expectedIntervalSeconds</code>');
    expect(html).toContain('≤ 86400');
    expect(html).toContain('scope_escalation');
  });
});
