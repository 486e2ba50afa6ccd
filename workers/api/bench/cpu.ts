import { readdirSync, readFileSync } from 'node:fs';

// Where the CPU goes during a bench, by process group, from /proc (Linux). Throughput and
// latency on a shared 2-core machine swing with whatever else runs; CPU seconds per post do
// not, so they are what to compare between two versions of the code.

type Stat = { pid: number; ppid: number; comm: string; self: number; children: number };

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = text.lastIndexOf(')');
    const comm = text.slice(text.indexOf('(') + 1, close);
    const f = text.slice(close + 2).split(' ');
    // Fields after comm: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14)
    return {
      pid,
      ppid: Number(f[1]),
      comm,
      self: Number(f[11]) + Number(f[12]),
      children: Number(f[13]) + Number(f[14]),
    };
  } catch {
    return undefined;
  }
}

function cmdline(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** CPU ticks of this process's descendants, grouped: workerd, wrangler (node), postgres, bench. */
export function sampleCpu(): Record<string, number> | undefined {
  let pids: number[];
  try {
    pids = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return undefined; // not Linux: no profile
  }
  const stats = new Map<number, Stat>();
  for (const pid of pids) {
    const s = readStat(pid);
    if (s) stats.set(pid, s);
  }
  const isDescendant = (pid: number) => {
    for (let p: number | undefined = pid; p && p > 1; p = stats.get(p)?.ppid) {
      if (p === process.pid) return true;
    }
    return false;
  };
  const groups: Record<string, number> = { workerd: 0, wrangler: 0, postgres: 0, bench: 0 };
  const me = stats.get(process.pid);
  // The bench process also hosts the Redis emulator and the Neon WebSocket proxy.
  if (me) groups.bench = me.self;
  for (const s of stats.values()) {
    if (s.pid === process.pid || !isDescendant(s.pid)) continue;
    if (s.comm === 'workerd') groups.workerd += s.self;
    else if (s.comm === 'postgres') {
      // Backends live one connection each; the postmaster collects their time when they exit.
      const parent = stats.get(s.ppid);
      groups.postgres += s.self + (parent?.comm === 'postgres' ? 0 : s.children);
    } else if (cmdline(s.pid).includes('wrangler')) groups.wrangler += s.self;
  }
  return groups;
}

/** CPU milliseconds per post between two samples, per group. */
export function cpuPerPost(
  before: Record<string, number> | undefined,
  after: Record<string, number> | undefined,
  posts: number,
): string {
  if (!before || !after || posts === 0) return 'n/a (needs Linux /proc)';
  return Object.keys(after)
    .map((k) => {
      const ms = (((after[k] ?? 0) - (before[k] ?? 0)) * 1000) / TICKS_PER_SECOND / posts;
      return `${k} ${ms.toFixed(2)}`;
    })
    .join(' · ');
}
