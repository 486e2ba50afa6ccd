import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { executeCommand, resolveCommand, runCommand } from './commands';
import { RedisError } from './errors';
import { type Reply, toJsonValue } from './reply';
import type { Store } from './store';

// Upstash's largest plans accept 10 MB requests; past that the emulator refuses as they would.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const ALLOWED_METHODS = ['GET', 'HEAD', 'POST', 'PUT'];

/** An HTTP answer: status and JSON body. */
type HttpReply = { status: number; body: unknown };

type CommandResult = { result: unknown } | { error: string };

class BadRequest extends Error {}

/**
 * Builds the HTTP server speaking Upstash's REST protocol over `store`: `POST /` with a command
 * array, `POST /pipeline` and `POST /multi-exec` with arrays of them, and the `/cmd/arg/…` path
 * form. Every request needs `Authorization: Bearer <token>` (or `?_token=`).
 */
export function createRedisServer({ store, token }: { store: Store; token: string }): Server {
  const expectedDigest = digest(token);
  // Upstash answers a sync token that the client echoes for read-your-writes; a single in-process
  // store is always consistent, so a counter is enough to keep the client's bookkeeping realistic.
  let syncToken = 0;

  return createServer((req, res) => {
    handle(req)
      .then(({ status, body }) => {
        syncToken++;
        send(res, status, body, { 'upstash-sync-token': String(syncToken) });
      })
      .catch((err: unknown) => {
        // A bug in the emulator, not a Redis error: log it whole, answer without internals.
        console.error('redis emulator: unexpected error', err);
        send(res, 500, { error: 'ERR internal error in the devstack Redis emulator' });
      });
  });

  async function handle(req: IncomingMessage): Promise<HttpReply> {
    const method = req.method ?? 'GET';
    if (!ALLOWED_METHODS.includes(method)) {
      req.resume();
      return { status: 405, body: { error: 'Method Not Allowed' } };
    }
    const url = new URL(req.url ?? '/', 'http://emulator');
    const body = await readBody(req);
    if (body === undefined) {
      return { status: 413, body: { error: 'ERR max request size exceeded' } };
    }
    if (!authorized(req, url)) return { status: 401, body: { error: 'Unauthorized' } };

    const format = header(req, 'upstash-response-format');
    if (format !== undefined && format.toLowerCase() !== 'json') {
      return { status: 400, body: { error: `ERR response format '${format}' is not emulated` } };
    }
    const base64 = header(req, 'upstash-encoding')?.toLowerCase() === 'base64';

    try {
      return route(method, url, body, base64);
    } catch (err) {
      if (err instanceof RedisError || err instanceof BadRequest) {
        return { status: 400, body: { error: err.message } };
      }
      throw err;
    }
  }

  function route(method: string, url: URL, body: string, base64: boolean): HttpReply {
    const hasBody = method === 'POST' || method === 'PUT';
    if (url.pathname === '/pipeline' || url.pathname === '/multi-exec') {
      if (!hasBody) throw new BadRequest(`ERR ${url.pathname} takes a POST body`);
      const commands = parseBatch(body);
      const results =
        url.pathname === '/pipeline' ? pipeline(commands, base64) : transaction(commands, base64);
      return { status: 200, body: results };
    }
    const argv = url.pathname === '/' ? parseCommand(body, hasBody) : pathCommand(url, body);
    return { status: 200, body: { result: toJsonValue(executeCommand(store, argv), base64) } };
  }

  // Commands run one by one; a failing command answers its error in place, as on Upstash.
  function pipeline(commands: string[][], base64: boolean): CommandResult[] {
    return commands.map((argv) => settle(() => executeCommand(store, argv), base64));
  }

  /**
   * All commands or none: an unknown command or a wrong argument count anywhere discards the
   * transaction before anything runs (Redis' EXECABORT; Upstash answers one error for the batch).
   * Errors met while running (WRONGTYPE, not an integer) fail only their own entry, as in Redis.
   */
  function transaction(commands: string[][], base64: boolean): CommandResult[] {
    const specs = commands.map((argv, i) => {
      try {
        return resolveCommand(argv);
      } catch (err) {
        if (!(err instanceof RedisError)) throw err;
        throw new RedisError(
          `EXECABORT Transaction discarded because of previous errors: command ${i + 1}: ${err.message}`,
        );
      }
    });
    // One clock reading for the whole transaction, as Redis' EXEC takes.
    return store.atomically(() =>
      commands.map((argv, i) => settle(() => runCommand(store, specs[i]!, argv), base64)),
    );
  }

  function authorized(req: IncomingMessage, url: URL) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header(req, 'authorization') ?? '')?.[1];
    const presented = bearer ?? url.searchParams.get('_token');
    // Digests have equal length whatever was presented, so timingSafeEqual never throws and the
    // comparison time says nothing about the token's length or content.
    return presented !== null && timingSafeEqual(digest(presented), expectedDigest);
  }
}

function settle(run: () => Reply, base64: boolean): CommandResult {
  try {
    return { result: toJsonValue(run(), base64) };
  } catch (err) {
    if (err instanceof RedisError) return { error: err.message };
    throw err;
  }
}

function digest(value: string) {
  return createHash('sha256').update(value).digest();
}

function header(req: IncomingMessage, name: string) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as text, or undefined past MAX_BODY_BYTES (read to the end so the reply can be sent). */
function readBody(req: IncomingMessage) {
  return new Promise<string | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** Redis arguments are strings; JSON numbers and booleans arrive as the client serialised them. */
function toArgv(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new BadRequest('ERR a command must be a non-empty JSON array');
  }
  return value.map((arg) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
    throw new BadRequest('ERR command arguments must be strings, numbers or booleans');
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadRequest('ERR request body is not valid JSON');
  }
}

function parseCommand(body: string, hasBody: boolean) {
  if (!hasBody) throw new BadRequest('ERR POST a command as a JSON array, or use /command/arg');
  return toArgv(parseJson(body));
}

function parseBatch(body: string) {
  const parsed = parseJson(body);
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new BadRequest('ERR a pipeline or transaction must be a non-empty array of commands');
  }
  return parsed.map(toArgv);
}

/**
 * The path form `/set/foo/bar?EX=100`: segments are the command, a POST body is appended as the
 * last argument, then query parameters as `NAME value` pairs (Upstash's documented order).
 */
function pathCommand(url: URL, body: string) {
  let argv: string[];
  try {
    argv = url.pathname.slice(1).split('/').map(decodeURIComponent);
  } catch {
    throw new BadRequest('ERR malformed percent-encoding in the request path');
  }
  if (body.length > 0) argv.push(body);
  for (const [name, value] of url.searchParams) {
    if (name === '_token') continue;
    argv.push(name);
    if (value !== '') argv.push(value);
  }
  return argv;
}

function send(res: ServerResponse, status: number, body: unknown, headers = {}) {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...headers,
  });
  res.end(json);
}
