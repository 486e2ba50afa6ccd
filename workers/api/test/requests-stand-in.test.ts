import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUESTS_STAND_IN } from './python.js';

// The `requests` stand-in the customer guide's client runs on where the real package is missing
// (see runtimes.test.ts). `python3 -S` skips site-packages, so the stand-in is what gets imported
// even on a machine that has the real one.
type Seen = { method?: string; headers: IncomingMessage['headers']; body: string };
let server: Server;
let base: string;
let seen: Seen;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen = { method: req.method, headers: req.headers, body };
      const status = req.url === '/refuse' ? 401 : 200;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status, echoed: body.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SCRIPT = `
import sys, requests
r = requests.post(sys.argv[1], data='{"t":4.5}', headers={'X-Device-Id': 'd1', 'Content-Type': 'application/json'})
print(requests.__file__)
print(r.status_code)
print(r.json())
`;

async function postWithStandIn(url: string) {
  const { stdout } = await promisify(execFile)('python3', ['-S', '-c', SCRIPT, url], {
    env: { PATH: process.env.PATH ?? '', PYTHONPATH: REQUESTS_STAND_IN },
  });
  return stdout.trim().split('\n');
}

describe('the requests stand-in', () => {
  it('posts the body and headers as given and reads the JSON answer', async () => {
    const [file, status, json] = await postWithStandIn(`${base}/ingest`);
    expect(file).toContain('requests-stand-in');
    expect(status).toBe('200');
    expect(json).toBe("{'status': 200, 'echoed': 9}");
    expect(seen.method).toBe('POST');
    expect(seen.body).toBe('{"t":4.5}');
    expect(seen.headers['x-device-id']).toBe('d1');
    expect(seen.headers['content-type']).toBe('application/json');
  });

  it('answers an HTTP error status as a response, as requests does, not as an exception', async () => {
    const [, status, json] = await postWithStandIn(`${base}/refuse`);
    expect(status).toBe('401');
    expect(json).toBe("{'status': 401, 'echoed': 9}");
  });
});
