#!/usr/bin/env node
// Runs the TypeScript CLI through tsx (a runtime dependency), so the command works from a checkout
// and from an installed package alike.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
