// Mutation testing of core's most audited files (#22): `npm run test:mutation` from the root.
// Not part of `npm test`: it runs the core suite once per mutant (a few minutes on 2 cores).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'mutation/vitest.config.ts', related: false },
  mutate: [
    'src/alerts/excursion.ts',
    'src/alerts/rule.ts',
    'src/readings/mkt.ts',
    'src/readings/ingest-body.ts',
    'src/readings/metrics.ts',
    'src/signing/device-signature.ts',
  ],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 95, low: 90, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
