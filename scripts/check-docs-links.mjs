#!/usr/bin/env node
// Every relative link and image in a tracked Markdown file must point at a file that exists
// (part of `npm run lint`, so a moved or deleted file breaks the build, not the reader).
// Anchors are not checked: `file.md#section` only needs `file.md`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const files = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !f.includes('node_modules/') && existsSync(join(root, f)));

// [text](target) and ![alt](target), plus reference definitions `[id]: target`.
const inline = /!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const reference = /^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/;
const problems = [];
for (const file of files) {
  let fenced = false;
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return;
      const code = line.replace(/`[^`]*`/g, '');
      const targets = [...code.matchAll(inline)].map((m) => m[1]);
      const ref = code.match(reference);
      if (ref) targets.push(ref[1]);
      for (const target of targets) {
        if (
          /^[a-z][a-z0-9+.-]*:/i.test(target) ||
          target.startsWith('#') ||
          target.startsWith('//')
        )
          continue;
        const path = decodeURIComponent(target.split('#')[0].split('?')[0]);
        if (!path) continue;
        const resolved = path.startsWith('/') ? join(root, path) : join(root, dirname(file), path);
        if (!existsSync(resolved)) problems.push(`${file}:${i + 1}: ${target} does not exist`);
      }
    });
}

if (problems.length > 0) {
  console.error(`${problems.length} broken Markdown link(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`docs links: ${files.length} Markdown files, every relative link resolves`);
