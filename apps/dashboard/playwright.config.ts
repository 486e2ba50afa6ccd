import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './e2e/browser';
import { E2E_DASHBOARD_PORT } from './e2e/stack-info';

// `CHROMIUM_PATH` if set, else the Chromium inside @sparticuz/chromium (see e2e/browser.ts),
// with the flags ARCHITECTURE.md lists: headless, no sandbox as root, and no background
// networking on a closed network.
const CHROMIUM = await chromiumExecutable();

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_DASHBOARD_PORT}`,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    command: 'npx tsx e2e/stack.ts',
    url: `http://127.0.0.1:${E2E_DASHBOARD_PORT}/login`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
});
