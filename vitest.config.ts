import { defineConfig } from 'vitest/config';

// One run covers every workspace. Projects that need the local cloud share one devstack,
// started by the global setup; each test file then clones its own database from a template.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'core', root: 'packages/core', include: ['src/**/*.test.ts'] } },
      {
        test: {
          name: 'db',
          root: 'packages/db',
          include: ['src/**/*.test.ts'],
          globalSetup: ['../devstack/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api',
          root: 'workers/api',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['../../packages/devstack/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 90_000,
        },
      },
      {
        test: {
          name: 'accounts',
          root: 'packages/accounts',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['../devstack/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'services',
          root: 'packages/services',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['../devstack/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'dashboard',
          root: 'apps/dashboard',
          include: ['test/**/*.test.ts', 'app/**/*.test.ts'],
          globalSetup: ['../../packages/devstack/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
        resolve: { alias: { '~': new URL('./apps/dashboard/app', import.meta.url).pathname } },
        esbuild: { jsx: 'automatic' },
      },
      {
        test: {
          name: 'devstack',
          root: 'packages/devstack',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'rooms',
          root: 'packages/rooms',
          include: ['test/**/*.test.ts'],
          globalSetup: ['../../packages/devstack/src/testing/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'sdk',
          root: 'packages/sdk',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
