import { spawn } from 'node:child_process';
import { existsSync, type FSWatcher, readdirSync, statSync, watch } from 'node:fs';
import { cp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative } from 'node:path';

// The dashboard runs under `npm run dev` as it runs in production: the Worker build
// (server.ts + build/) under `wrangler dev`. This module makes that build and keeps it current:
// a change to the dashboard's sources, or to a workspace package it imports, rebuilds it, and
// wrangler dev reloads what changed under build/ by itself.

/** Where the dashboard's sources and its workspace packages are. */
export type DashboardBuildOptions = {
  /** The repository root (workspaces under packages/, workers/, apps/). */
  root: string;
  /** The dashboard workspace (apps/dashboard). */
  dashboardDir: string;
  log?: (line: string) => void;
  /** Stops a build under way (a failed start does not wait for it). */
  signal?: AbortSignal;
};

/** What the build is made from: directories (watched recursively) and single files. */
type Sources = { dirs: string[]; files: string[] };

const DASHBOARD_FILES = [
  'server.ts',
  'load-context.ts',
  'vite.config.ts',
  'tailwind.config.ts',
  'postcss.config.js',
  'package.json',
];
// Paths inside watched directories that are outputs or caches, never sources.
const IGNORED = /(^|\/)(node_modules|build|\.cache|\.wrangler|test-results)(\/|$)/;

/**
 * Builds the dashboard (`remix vite:build`) unless build/ is newer than every source, so a
 * restart with nothing changed starts at once. Throws with the build's output if it fails.
 */
export async function buildDashboard(options: DashboardBuildOptions): Promise<'built' | 'current'> {
  const sources = await dashboardSources(options);
  if (await isCurrent(options.dashboardDir, sources, options.root)) return 'current';
  await runBuild(options);
  return 'built';
}

/**
 * Rebuilds the dashboard whenever one of its sources changes (debounced; a change during a
 * build runs one more build after it). Returns a function that stops watching.
 */
export async function watchDashboard(options: DashboardBuildOptions): Promise<() => void> {
  const log = options.log ?? (() => {});
  const sources = await dashboardSources(options);
  const aborter = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let building = false;
  let again = false;
  let changed = '';

  const rebuild = async (): Promise<void> => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    const started = Date.now();
    log(`rebuilding (${changed} changed)…`);
    await runBuild({ ...options, signal: aborter.signal }).then(
      () => log(`rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s; wrangler reloads it`),
      (err: unknown) => {
        if (!aborter.signal.aborted)
          log(`the build failed; still serving the last good one:\n${(err as Error).message}`);
      },
    );
    building = false;
    if (again && !aborter.signal.aborted) {
      again = false;
      await rebuild();
    }
  };
  const onChange = (path: string) => {
    if (IGNORED.test(relative(options.root, path))) return;
    changed = relative(options.root, path);
    clearTimeout(timer);
    timer = setTimeout(() => void rebuild(), 300);
  };
  // One non-recursive watcher per directory: a directory's watcher reports its entries by
  // name, so a file an editor (or `sed -i`) replaces by a rename is still seen next time;
  // Node's recursive watch on Linux follows the old file and misses it.
  const watchers = new Map<string, FSWatcher>();
  const watchTree = (dir: string) => {
    if (watchers.has(dir) || IGNORED.test(relative(options.root, dir))) return;
    watchers.set(
      dir,
      watch(dir, (_event, name) => {
        if (!name) return;
        const path = join(dir, name.toString());
        if (isDirectory(path)) watchTree(path);
        onChange(path);
      }),
    );
    for (const entry of readdirSync(dir, { withFileTypes: true }))
      if (entry.isDirectory()) watchTree(join(dir, entry.name));
  };
  for (const dir of sources.dirs) watchTree(dir);
  const names = new Set(sources.files.map((file) => basename(file)));
  watchers.set(
    `${options.dashboardDir}#files`,
    watch(options.dashboardDir, (_event, name) => {
      if (name && names.has(name.toString())) onChange(join(options.dashboardDir, name.toString()));
    }),
  );
  return () => {
    clearTimeout(timer);
    aborter.abort();
    for (const watcher of watchers.values()) watcher.close();
  };
}

function isDirectory(path: string) {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The dashboard's own sources plus every workspace package it reaches through its
 * dependencies (transitively), so a change in services or core rebuilds it too.
 */
async function dashboardSources({ root, dashboardDir }: DashboardBuildOptions): Promise<Sources> {
  const workspaces = new Map<string, string>();
  for (const group of ['packages', 'workers', 'apps']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const entry of await readdir(dir)) {
      const manifest = join(dir, entry, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name } = JSON.parse(await readFile(manifest, 'utf8')) as { name: string };
      workspaces.set(name, join(dir, entry));
    }
  }
  const reached = new Set<string>();
  const visit = async (dir: string) => {
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const found = workspaces.get(name);
      if (found && !reached.has(found)) {
        reached.add(found);
        await visit(found);
      }
    }
  };
  await visit(dashboardDir);
  const dirs = [join(dashboardDir, 'app'), ...[...reached].map((dir) => join(dir, 'src'))];
  return {
    dirs: dirs.filter((dir) => existsSync(dir)),
    files: DASHBOARD_FILES.map((f) => join(dashboardDir, f)).filter((f) => existsSync(f)),
  };
}

/** build/ is current when its server bundle is newer than every source and the lockfile. */
async function isCurrent(dashboardDir: string, sources: Sources, root: string) {
  const bundle = join(dashboardDir, 'build', 'server', 'index.js');
  if (!existsSync(bundle) || !existsSync(join(dashboardDir, 'build', 'client'))) return false;
  const builtAt = (await stat(bundle)).mtimeMs;
  const lockfile = join(root, 'package-lock.json');
  const files = [...sources.files, ...(existsSync(lockfile) ? [lockfile] : [])];
  for (const file of files) if ((await stat(file)).mtimeMs > builtAt) return false;
  for (const dir of sources.dirs) {
    for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (IGNORED.test(relative(root, path))) continue;
      if ((await stat(path)).mtimeMs > builtAt) return false;
    }
  }
  return true;
}

/**
 * Runs `remix vite:build` into a staging directory, then moves the result under build/ with
 * the server bundle last and in one rename: wrangler dev, which watches build/, never sees an
 * emptied or half-written build (vite empties its output directory first).
 */
async function runBuild({ dashboardDir, signal }: DashboardBuildOptions) {
  const out = join(dashboardDir, 'build');
  // One per process: `npm run dev` and a browser-test stack in the same checkout may build at
  // the same time, and neither may empty the other's.
  const staging = join(out, `.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  const remixCli = join(
    dirname(
      createRequire(join(dashboardDir, 'package.json')).resolve('@remix-run/dev/package.json'),
    ),
    'dist',
    'cli.js',
  );
  const output: string[] = [];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [remixCli, 'vite:build'], {
      cwd: dashboardDir,
      // vite.config.ts hands this to Remix's buildDirectory.
      env: { ...process.env, DASHBOARD_BUILD_DIR: staging, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal,
    });
    const keep = (chunk: Buffer) => output.push(chunk.toString('utf8'));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // An abort also emits 'error' (AbortError); 'exit' follows once the build has stopped.
    child.once('error', (err) => {
      if (!signal?.aborted) reject(err);
    });
    child.once('exit', resolve);
  });
  if (code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new Error(`remix vite:build exited with ${code}:\n${output.join('').trim()}`);
  }
  // Client assets have hashed names: copying over adds the new ones beside the old.
  await cp(join(staging, 'client'), join(out, 'client'), { recursive: true, force: true });
  const server = join(out, 'server');
  await cp(join(staging, 'server'), server, {
    recursive: true,
    force: true,
    filter: (source) => source !== join(staging, 'server', 'index.js'),
  });
  const next = join(server, `index.js.${process.pid}`);
  await cp(join(staging, 'server', 'index.js'), next);
  await rename(next, join(server, 'index.js'));
  await rm(staging, { recursive: true, force: true });
}
