#!/usr/bin/env node
// The CLI entry: runs the built CLI and sets the exit code. Nothing else lives here.
import { run } from '../dist/cli.js';

process.exitCode = await run(process.argv.slice(2));
