import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// The api and the dashboard Workers bundle these use cases (the accounts ones included, with
// the accounts building blocks they reach): Web APIs plus the nodejs_compat scrypt, nothing
// else from node (oslo/password, @node-rs/*, pg or ws would break the Worker bundle).
describe('Worker bundle', () => {
  it('bundles for the worker platform with node:crypto as the only node import', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('./index.ts', import.meta.url))],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      external: ['node:*'],
      metafile: true,
      logLevel: 'silent',
    });
    const nodeImports = new Set<string>();
    for (const input of Object.values(result.metafile.inputs)) {
      for (const imp of input.imports) if (imp.path.startsWith('node:')) nodeImports.add(imp.path);
    }
    expect([...nodeImports]).toEqual(['node:crypto']);
    const inputs = Object.keys(result.metafile.inputs).join('\n');
    for (const banned of [
      '@node-rs',
      'node_modules/oslo/',
      'node_modules/pg/',
      'node_modules/ws/',
    ]) {
      expect(inputs).not.toContain(banned);
    }
    expect(inputs).toContain('packages/services/src/accounts/');
  });
});
