import { deepStrictEqual, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { certbootDocumentSelector, composeFileNamePattern, DocumentFilter } from '../../../client/src/document-selector';
import { repositoryRoot } from '../../support/paths';

/**
 * VS Code's glob syntax as far as the selector uses it: `**` for any directories, `*` within a
 * name, `{a,b}` for alternatives. The patterns are matched against the whole file path.
 */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const character = glob.charAt(index);
    if (glob.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (character === '*') source += '[^/]*';
    else if (character === '{') source += '(?:';
    else if (character === '}') source += ')';
    else if (character === ',') source += '|';
    else source += character.replace(/[.+?^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function selects(selector: readonly DocumentFilter[], document: { languageId: string; path: string; scheme?: string }): boolean {
  return selector.some(
    (filter) =>
      filter.scheme === (document.scheme ?? 'file') &&
      filter.language === document.languageId &&
      (filter.pattern === undefined || globToRegExp(filter.pattern).test(document.path)),
  );
}

describe('client document selector', () => {
  const selector = certbootDocumentSelector();

  it('is the nginx languages, dockercompose, and YAML files named like compose files', () => {
    deepStrictEqual(selector, [
      { scheme: 'file', language: 'nginx' },
      { scheme: 'file', language: 'NGINX' },
      { scheme: 'file', language: 'dockercompose' },
      { scheme: 'file', language: 'yaml', pattern: '**/{compose,docker-compose}*.{yml,yaml}' },
    ]);
  });

  it('selects nginx documents under either language id', () => {
    strictEqual(selects(selector, { languageId: 'nginx', path: '/srv/app/nginx/conf.d/example.com.conf' }), true);
    strictEqual(selects(selector, { languageId: 'NGINX', path: '/etc/nginx/sites-enabled/default' }), true);
  });

  it('selects every compose file the Docker extension recognises, whatever its name', () => {
    strictEqual(selects(selector, { languageId: 'dockercompose', path: '/srv/app/stack.yml' }), true);
  });

  it('selects YAML compose files by name: the defaults, overrides and variants', () => {
    for (const name of [
      'compose.yaml',
      'compose.yml',
      'docker-compose.yaml',
      'docker-compose.yml',
      'compose.override.yaml',
      'docker-compose.override.yml',
      'docker-compose.prod.yml',
      'docker-compose-staging.yaml',
    ]) {
      strictEqual(selects(selector, { languageId: 'yaml', path: `/srv/app/deploy/${name}` }), true, name);
    }
  });

  it('leaves other YAML, other languages and unsaved documents alone', () => {
    strictEqual(selects(selector, { languageId: 'yaml', path: '/srv/app/.github/workflows/ci.yml' }), false);
    strictEqual(selects(selector, { languageId: 'yaml', path: '/srv/compose/values.yaml' }), false);
    strictEqual(selects(selector, { languageId: 'yaml', path: '/srv/app/compose.json' }), false);
    strictEqual(selects(selector, { languageId: 'properties', path: '/srv/app/nginx/conf.d/example.com.conf' }), false);
    strictEqual(selects(selector, { languageId: 'nginx', path: 'Untitled-1', scheme: 'untitled' }), false);
  });

  it('matches the pattern it exports', () => {
    strictEqual(selector.at(-1)?.pattern, composeFileNamePattern);
  });
});

describe('extension manifest', () => {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    activationEvents: string[];
    capabilities: { untrustedWorkspaces: { supported: boolean } };
    contributes: { languages: { id: string; filenames: string[]; extensions: string[]; filenamePatterns: string[] }[]; commands: { command: string; title: string; category: string }[] };
  };

  it('activates on every language of the selector and on compose files in the workspace', () => {
    deepStrictEqual(manifest.activationEvents, [
      ...[...new Set(certbootDocumentSelector().map((filter) => filter.language))].map((language) => `onLanguage:${language}`),
      'workspaceContains:**/compose.yaml',
      'workspaceContains:**/compose.yml',
      'workspaceContains:**/docker-compose.yaml',
      'workspaceContains:**/docker-compose.yml',
    ]);
  });

  it('gives the nginx language the file names the issue lists', () => {
    const nginx = manifest.contributes.languages.find((language) => language.id === 'nginx');
    deepStrictEqual(
      { filenames: nginx?.filenames, extensions: nginx?.extensions, filenamePatterns: nginx?.filenamePatterns },
      {
        filenames: ['nginx.conf'],
        extensions: ['.nginx'],
        filenamePatterns: ['**/conf.d/*.conf', '**/sites-available/*', '**/sites-enabled/*', '**/templates/*.conf.template', '**/nginx/**/*.conf'],
      },
    );
  });

  it('puts the three commands in the palette under "certboot:"', () => {
    deepStrictEqual(
      manifest.contributes.commands.map((command) => `${command.category}: ${command.title}`),
      ['certboot: Generate bootstrap config', 'certboot: Show output', 'certboot: Restart server'],
    );
  });

  it('runs in untrusted workspaces', () => {
    strictEqual(manifest.capabilities.untrustedWorkspaces.supported, true);
  });
});
