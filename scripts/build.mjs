// Builds the CLI (dist/cli.cjs) and the library (dist/index.js for `import`, dist/index.cjs for
// `require`) with esbuild, and the library's declaration files (dist/types, and the same for
// CommonJS readers in dist/types-cjs) with tsc (tsconfig.build.json); the heavy, rarely used
// modules (inquirer, ora, ws) load only when a run needs them. Type-checking is done separately
// by `tsc --noEmit` (see `npm test`).
//
// This file is in the package because package.json's `prepare` names it (npm runs `prepare` on
// `npm install` in a clone, and before `npm pack` / `npm publish`). In an installed package there
// is no src/ and dist/ ships built: it then does nothing.
//
// Start-up (bench/startup.bench.mjs; measured with node 20, see bench/README.md):
// - whitespace is minified: commander alone is ~110 KB, mostly JSDoc, that V8 would otherwise
//   scan at every start (identifiers are kept, so --debug stack traces stay readable);
// - Node built-ins are loaded with require() instead of ESM `import`: each `import … from
//   'node:x'` makes Node build an ESM facade of the whole built-in, which costs more than the
//   require() itself;
// - the CLI and the library entry (dist/index.js) are built separately;
// - the CLI is CommonJS (see `cli` below).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * The CLI is one CommonJS file, `dist/cli.cjs`, started by the CommonJS `bin/sipcall.cjs`: a
 * CommonJS entry spares Node its ESM loader at start-up (about 6 ms of ~30 ms, bench/README.md).
 * ora, inquirer and ws stay outside the bundle and are loaded from node_modules with `import()`
 * only when a run needs them (a spinner on a TTY, a prompt, a WebSocket); the rest of the lazy
 * code (TLS, WebSocket transport, prompts) is inside the file but initialised only on use.
 */
const cli = {
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['ora', 'inquirer', 'ws'],
  supported: { 'dynamic-import': true },
  define: { 'import.meta.url': '__sipcallModuleUrl' },
  banner: { js: "var __sipcallModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** The library entry (`import … from 'sipcall'`): ESM, code split. */
const library = {
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  plugins: [builtinsViaRequire],
  banner: {
    // Bundled CommonJS dependencies (and the built-ins above) call require(); give them one.
    js: "import { createRequire as __sipcallCreateRequire } from 'node:module'; const require = __sipcallCreateRequire(import.meta.url);",
  },
};

/**
 * The library entry for `require('sipcall')`: one CommonJS file, `dist/index.cjs`, so that
 * CommonJS users on every Node version `engines` accepts can load it (Node 20 cannot require()
 * an ES module). Built like the CLI: ora, inquirer and ws are loaded from node_modules with
 * `import()` only when a run needs them.
 */
const libraryCjs = {
  ...common,
  entryPoints: { index: 'src/index.ts' },
  outdir: 'dist',
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  external: ['ora', 'inquirer', 'ws'],
  supported: { 'dynamic-import': true },
  define: { 'import.meta.url': '__sipcallModuleUrl' },
  banner: { js: "var __sipcallModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/** The esbuild builds (exported for bench/startup.bench.mjs, which reads their metafiles). */
export const builds = [cli, library, libraryCjs];

/** Where tsc writes the declaration files; dist/types-cjs is a copy read as CommonJS. */
export const declarationDirs = ['types', 'types-cjs'];

/**
 * The declaration files: `tsc -p tsconfig.build.json` into dist/types (ES module declarations,
 * as the package is `"type": "module"`), then a copy in dist/types-cjs with a package.json that
 * says `"type": "commonjs"`, so that TypeScript reads them as what `require('sipcall')` returns
 * (the `require` condition's types; one tree for both would type a CommonJS import as an ES
 * module and TypeScript would refuse it).
 */
async function declarations(root) {
  const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  await new Promise((resolve, reject) => {
    execFile(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root }, (err, stdout, stderr) => {
      if (err) reject(new Error(`tsc -p tsconfig.build.json failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });
  cpSync(path.join(root, 'dist', 'types'), path.join(root, 'dist', 'types-cjs'), { recursive: true });
  writeFileSync(path.join(root, 'dist', 'types-cjs', 'package.json'), `${JSON.stringify({ type: 'commonjs' })}\n`);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Run as a script in a clone (an installed package has no src/: dist/ ships built, nothing to do).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && existsSync(path.join(root, 'src', 'index.ts'))) {
  process.chdir(root);
  // Start clean: chunks of earlier builds would otherwise be shipped with the package.
  rmSync('dist', { recursive: true, force: true });
  const { build } = await import('esbuild');
  await Promise.all([...builds.map((options) => build(options)), declarations(root)]);
}
