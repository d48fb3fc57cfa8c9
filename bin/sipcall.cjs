#!/usr/bin/env node
// The CLI entry: runs the built CLI and sets the exit code. Nothing else lives here.
// CommonJS on purpose: it starts faster than an ES module entry (scripts/build.mjs).
'use strict';
require('../dist/cli.cjs')
  .run(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
