#!/usr/bin/env node
// The workspace ships TypeScript sources (no build step), so the bin registers tsx's loader
// and then runs the CLI from src/.
import { register } from 'tsx/esm/api';

register();
await import('../src/sim/cli.ts');
