import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The directory holding the `requests` stand-in (fixtures/requests-stand-in/requests.py). */
export const REQUESTS_STAND_IN = fileURLToPath(
  new URL('./fixtures/requests-stand-in/', import.meta.url),
);

/**
 * The env a Python script that imports `requests` needs on this machine: nothing when the real
 * package is installed, else the stand-in on PYTHONPATH — so the tests need only a stock
 * Python 3, and the real requests is used wherever it exists (as on a customer's device).
 */
export async function pythonRequestsEnv(): Promise<Record<string, string>> {
  const hasRequests = await promisify(execFile)('python3', ['-c', 'import requests']).then(
    () => true,
    () => false,
  );
  return hasRequests ? {} : { PYTHONPATH: REQUESTS_STAND_IN };
}
