import { closeServer, listen, type RunningService } from '../net/listen';
import { createRedisServer } from './server';
import { Store } from './store';

export type RedisEmulatorOptions = {
  /** Interface to bind; 127.0.0.1 unless given. */
  host?: string;
  /** Port to listen on; 0 picks a free one (tests do this). */
  port: number;
  /** The bearer token clients must present, i.e. UPSTASH_REDIS_REST_TOKEN. */
  token: string;
  /** Clock in ms since the epoch that drives expiry; Date.now unless given. */
  now?: () => number;
};

/** A running emulator: its URL and token for `new Redis({ url, token })`, and a way to empty it. */
export type RunningRedis = RunningService & { token: string; flushAll(): void };

/** Starts the Upstash Redis REST emulator; a taken port rejects with PortInUseError. */
export async function startRedisEmulator(options: RedisEmulatorOptions): Promise<RunningRedis> {
  const { host = '127.0.0.1', port, token, now } = options;
  // An empty token would let any request through, which no Upstash database allows.
  if (token.length === 0) throw new Error('redis emulator: token must not be empty');
  const store = new Store({ now });
  const server = createRedisServer({ store, token });
  let boundPort: number;
  try {
    boundPort = await listen(server, { host, port, name: 'Upstash Redis emulator' });
  } catch (err) {
    store.close();
    throw err;
  }
  return {
    url: `http://${urlHost(host)}:${boundPort}`,
    port: boundPort,
    token,
    flushAll: () => store.flush(),
    close: async () => {
      store.close();
      await closeServer(server);
    },
  };
}

// A wildcard bind is reachable on loopback; IPv6 literals need brackets inside a URL.
function urlHost(host: string) {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
