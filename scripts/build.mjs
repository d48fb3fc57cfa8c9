// Builds the CLI bundle (dist/) with esbuild: one file per entry, with code split so that the
// heavy, rarely used modules (inquirer, ora) load only when a run needs them. Type-checking is
// done separately by `tsc --noEmit` (see `npm test`).
//
// Start-up (bench/startup.bench.mjs; measured with node 20, see bench/README.md):
// - whitespace is minified: commander alone is ~110 KB, mostly JSDoc, that V8 would otherwise
//   scan at every start (identifiers are kept, so --debug stack traces stay readable);
// - Node built-ins are loaded with require() instead of ESM `import`: each `import … from
//   'node:x'` makes Node build an ESM facade of the whole built-in, which costs more than the
//   require() itself;
// - the CLI and the library entry (dist/index.js) are built separately, so that the CLI's
//   start-up is not cut into more chunks by code it only shares with the library.
// Together these take ~3 ms (~12 %) off loading the bundle (CPU time of `import(dist/cli.js)`).
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';

const builtins = new Set(builtinModules);

/** `import … from 'node:x'` → a tiny CommonJS module `module.exports = require('node:x')`. */
const builtinsViaRequire = {
  name: 'builtins-via-require',
  setup(b) {
    b.onResolve({ filter: /^[a-z_/:]+$/ }, (args) => {
      if (!args.path.startsWith('node:') && !builtins.has(args.path)) return undefined;
      if (args.kind === 'require-call' || args.kind === 'require-resolve') return { path: args.path, external: true };
      return { path: args.path, namespace: 'builtin-via-require' };
    });
    b.onLoad({ filter: /.*/, namespace: 'builtin-via-require' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const common = {
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [builtinsViaRequire],
  banner: {
    // Bundled CommonJS dependencies (and the built-ins above) call require(); give them one.
    js: "import { createRequire as __sipcallCreateRequire } from 'node:module'; const require = __sipcallCreateRequire(import.meta.url);",
  },
};

/** The esbuild builds (exported for bench/startup.bench.mjs, which reads their metafiles). */
export const builds = [
  { ...common, entryPoints: { cli: 'src/cli/main.ts' } },
  { ...common, entryPoints: { index: 'src/index.ts' } },
];

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await Promise.all(builds.map((options) => build(options)));
}
