// `npm run package`: certboot-<version>.vsix in the repository root, from what `npm run build`
// bundled. Checks the file list against what the extension needs at run time and the size
// against the 3 MB budget.
import { createVSIX, listFiles, PackageManager } from '@vscode/vsce';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const report = (line) => process.stdout.write(`${line}\n`);
const sizeLimit = 3 * 1024 * 1024;

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const vsix = join(root, `${manifest.name}-${manifest.version}.vsix`);

const required = [
  'package.json',
  'dist/extension.js',
  'dist/server.js',
  'dist/tree-sitter.wasm',
  'dist/tree-sitter-bash.wasm',
  'dist/tree-sitter-terraform.wasm',
  manifest.icon,
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
];
const requiredDirectories = ['grammars/', 'docs/rules/'];
const forbidden = [/\.ts$/, /\.map$/, /^node_modules\//, /^test\//, /^client\//, /^server\//, /^scripts\//, /^out\//, /^examples\//, /\.vsix$/];

function fail(message) {
  process.stderr.write(`package: FAILED: ${message}\n`);
  process.exit(1);
}

for (const file of ['dist/extension.js', 'dist/server.js']) {
  if (!existsSync(join(root, file))) fail(`${file} is missing: run \`npm run build\` first`);
}

// Dependencies are bundled, so the VSIX carries no node_modules.
const files = (await listFiles({ cwd: root, packageManager: PackageManager.None })).map((file) => file.split('\\').join('/')).sort();
const missing = [
  ...required.filter((file) => !files.includes(file)),
  ...requiredDirectories.filter((directory) => !files.some((file) => file.startsWith(directory))),
];
if (missing.length > 0) fail(`the VSIX would lack ${missing.join(', ')}`);
const unwanted = files.filter((file) => forbidden.some((pattern) => pattern.test(file)));
if (unwanted.length > 0) fail(`the VSIX would carry ${unwanted.join(', ')}`);

// vsce refuses a .vscodeignore next to package.json's "files" (which is there for the npm
// package of the CLI), so the VSIX is made from a copy of exactly the files listed above, with
// a manifest that has no "files".
const staging = mkdtempSync(join(tmpdir(), 'certboot-vsix-'));
try {
  for (const file of files) {
    mkdirSync(dirname(join(staging, file)), { recursive: true });
    copyFileSync(join(root, file), join(staging, file));
  }
  const { files: npmFiles, ...extensionManifest } = manifest;
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(extensionManifest, null, 2)}\n`);
  copyFileSync(join(root, '.vscodeignore'), join(staging, '.vscodeignore'));
  await createVSIX({
    cwd: staging,
    packagePath: vsix,
    dependencies: false,
    // The README links to files of the repository, which has no public URL yet.
    allowMissingRepository: true,
    rewriteRelativeLinks: false,
  });
} finally {
  rmSync(staging, { recursive: true, force: true });
}

const size = statSync(vsix).size;
report(`package: ${vsix}`);
report(`package: ${files.length} files, ${(size / 1024 / 1024).toFixed(2)} MB (${size} bytes, limit ${sizeLimit})`);
for (const file of files) report(`  ${file}  ${statSync(join(root, file)).size} B`);
if (size > sizeLimit) fail(`${size} bytes is over the 3 MB budget`);
