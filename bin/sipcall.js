#!/usr/bin/env node
// Kept for `node bin/sipcall.js …`: the same CLI as bin/sipcall.cjs (the package's bin).
import { createRequire } from 'node:module';

const { run } = createRequire(import.meta.url)('../dist/cli.cjs');
process.exitCode = await run(process.argv.slice(2));
