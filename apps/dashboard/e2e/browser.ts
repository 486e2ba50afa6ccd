// Which Chromium the browser tests drive. `CHROMIUM_PATH` wins when set (a system or
// self-built Chromium); otherwise the one inside the `@sparticuz/chromium` npm package, so
// `npm install && npm test` needs nothing outside npm. The system Chromium is never picked up
// silently: every machine runs the browser version the lockfile pins unless told otherwise.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The Chromium executable for this run, unpacking the npm one on first use (~1–2 s). */
export async function chromiumExecutable(): Promise<string> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) return configured;
  return unpackedSparticuz();
}

/**
 * @sparticuz/chromium unpacks into `os.tmpdir()` and trusts whatever `chromium` it finds there,
 * whichever version wrote it. Here it unpacks into a directory of its own under
 * node_modules/.cache, named for the package version, through a temporary directory renamed
 * into place, so concurrent runs never start a half-written binary and an upgrade never reuses
 * the old one.
 */
async function unpackedSparticuz(): Promise<string> {
  const pkgDir = packageDir(require.resolve('@sparticuz/chromium'));
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cache = join(pkgDir, '..', '..', '.cache', 'anythingiot-chromium');
  const target = join(cache, version);
  const binary = join(target, 'chromium');
  if (existsSync(binary)) return binary;

  const partial = join(cache, `${version}.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const { default: chromium } = await import('@sparticuz/chromium');
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = partial; // where executablePath() unpacks (it reads os.tmpdir())
  try {
    await chromium.executablePath();
  } finally {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  }
  try {
    renameSync(partial, target);
  } catch (err) {
    // Another run renamed its copy first: use that one.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(binary)) throw err;
  }
  return binary;
}

/** The package's root: its `exports` hide package.json, so walk up from the entry point. */
function packageDir(entry: string): string {
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${entry}`);
    dir = parent;
  }
  return dir;
}
