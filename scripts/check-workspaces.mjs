#!/usr/bin/env node
// Checks what the workspaces promise each other (part of `npm run lint`):
// - no cycle between workspaces, counting devDependencies (a test harness that depends on the
//   package it tests sits beside it, not under it);
// - the same script names everywhere: `test`, `lint`, `typecheck` (and `build` where it builds).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const REQUIRED_SCRIPTS = ['test', 'lint', 'typecheck'];

const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const workspaces = new Map();
for (const pattern of rootPkg.workspaces) {
  const dir = pattern.replace(/\/\*$/, '');
  for (const name of readdirSync(join(root, dir))) {
    const file = join(root, dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    workspaces.set(pkg.name, { dir: `${dir}/${name}`, pkg });
  }
}

const problems = [];
const edges = new Map();
for (const [name, { dir, pkg }] of workspaces) {
  const deps = Object.keys({
    ...pkg.dependencies,
    ...pkg.devDependencies,
    ...pkg.peerDependencies,
    ...pkg.optionalDependencies,
  }).filter((dep) => workspaces.has(dep));
  edges.set(name, deps);
  const missing = REQUIRED_SCRIPTS.filter((script) => !pkg.scripts?.[script]);
  if (missing.length) problems.push(`${dir}: no ${missing.map((s) => `"${s}"`).join(', ')} script`);
}

// Depth-first search; a grey node met again closes a cycle.
const state = new Map();
const stack = [];
function visit(name) {
  state.set(name, 'grey');
  stack.push(name);
  for (const dep of edges.get(name)) {
    if (state.get(dep) === 'grey') {
      problems.push(`cycle: ${[...stack.slice(stack.indexOf(dep)), dep].join(' → ')}`);
    } else if (!state.has(dep)) {
      visit(dep);
    }
  }
  stack.pop();
  state.set(name, 'black');
}
for (const name of [...workspaces.keys()].sort()) if (!state.has(name)) visit(name);

if (problems.length) {
  console.error(
    `workspaces: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}`,
  );
  process.exit(1);
}
console.log(
  `workspaces: ${workspaces.size} checked, no cycle, scripts ${REQUIRED_SCRIPTS.join('/')} everywhere`,
);
