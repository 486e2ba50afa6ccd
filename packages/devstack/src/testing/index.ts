// The test harness's API, kept at this address for the workspaces above the devstack. Its
// implementation sits in `@anythingiot/db/testing` so that db's and accounts' own tests can use it
// without a dependency on the devstack (which depends on them).

export { createNodeDb } from '@anythingiot/db/node';
export {
  type CaughtEmail,
  createTestDatabase,
  mailTo,
  type TestDatabase,
  type TestStack,
  testStack,
} from '@anythingiot/db/testing';
