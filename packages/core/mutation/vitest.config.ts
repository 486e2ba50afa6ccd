import { defineConfig } from 'vitest/config';
import { LoadFailureReporter } from './load-failure-reporter';

// The core suite as `npm test` runs it, plus a reporter that makes a test file which cannot load
// count as a failed test: Stryker's vitest runner scores a mutant only from collected tests, so
// without it a mutant that breaks a module at import time is reported "survived"
// (stryker-js#6150) although every test of that file failed.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    reporters: ['default', new LoadFailureReporter()],
  },
});
