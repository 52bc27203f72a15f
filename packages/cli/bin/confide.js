#!/usr/bin/env node
// The `confide` command. Internal packages are TypeScript source, so the CLI runs them through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
