import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * Creates the api's QStash schedules (partition roll-forward, the alerts sweep that raises
 * offline alerts) on the local QStash emulator, exactly as `npm run jobs:schedule` does after a
 * production deploy: the same script, pointed at the local Worker. Without it, offline
 * detection would never run under `npm run dev`.
 */
export async function scheduleJobs(root: string, env: Record<string, string>, apiUrl: string) {
  const { stdout } = await promisify(execFile)(
    `${root}node_modules/.bin/tsx`,
    [`${root}workers/api/scripts/schedule-jobs.ts`],
    {
      cwd: root,
      env: {
        ...process.env,
        QSTASH_URL: env.QSTASH_URL,
        QSTASH_TOKEN: env.QSTASH_TOKEN,
        API_PUBLIC_URL: apiUrl,
      },
    },
  );
  return stdout.trim().split('\n').filter(Boolean);
}
