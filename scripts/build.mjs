// Builds the CLI bundle (dist/) with esbuild: one file per entry, with code split so that the
// heavy, rarely used modules (inquirer, ora) load only when a run needs them. Type-checking is
// done separately by `tsc --noEmit` (see `npm test`).
import { build } from 'esbuild';

await build({
  entryPoints: { cli: 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: {
    // Bundled CommonJS dependencies may call require(); give them one.
    js: "import { createRequire as __sipcallCreateRequire } from 'node:module'; const require = __sipcallCreateRequire(import.meta.url);",
  },
});
