// Bundles the three entry points with esbuild; `tsc -b` has already type-checked them.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(root, 'package.json'));
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });
// `certboot --version` prints the version of package.json, fixed into the bundle
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/language-server/server.ts'], outfile: 'dist/server.js' }),
  // the CLI in three files: dist/cli.js reads the command line, prints help and --version, and
  // loads the bundle of the command it runs (cli.ts says why): dist/cli-parse.js for `parse` and
  // `lex`, dist/cli-commands.js for `lint`, `bootstrap` and `rules`
  build({
    ...common,
    entryPoints: ['server/src/cli/cli.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    define: { CERTBOOT_VERSION: JSON.stringify(version) },
  }),
  build({ ...common, entryPoints: ['server/src/cli/cli-parse.ts'], outfile: 'dist/cli-parse.js' }),
  build({ ...common, entryPoints: ['server/src/cli/cli-commands.ts'], outfile: 'dist/cli-commands.js' }),
]);
chmodSync(join(dist, 'cli.js'), 0o755);

// web-tree-sitter looks for its runtime next to the bundle; the grammars are loaded by path.
for (const file of [
  'web-tree-sitter/tree-sitter.wasm',
  'tree-sitter-bash/tree-sitter-bash.wasm',
  '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm',
]) {
  copyFileSync(require.resolve(file), join(dist, file.split('/').pop()));
}
