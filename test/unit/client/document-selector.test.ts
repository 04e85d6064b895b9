import { deepStrictEqual, strictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  certbootDocumentSelector,
  cloudFormationFilePatterns,
  composeFileNamePattern,
  type DocumentFilter,
  terraformFilePattern,
} from '../../../client/src/document-selector';
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
      (filter.language === undefined || filter.language === document.languageId) &&
      (filter.pattern === undefined || globToRegExp(filter.pattern).test(document.path)),
  );
}

describe('client document selector', () => {
  const selector = certbootDocumentSelector();

  it('is the nginx languages, dockercompose, YAML files named like compose files, Terraform and CloudFormation templates', () => {
    deepStrictEqual(selector, [
      { scheme: 'file', language: 'nginx' },
      { scheme: 'file', language: 'NGINX' },
      { scheme: 'file', language: 'dockercompose' },
      { scheme: 'file', language: 'yaml', pattern: '**/{compose,docker-compose}*.{yml,yaml}' },
      { scheme: 'file', language: 'terraform' },
      { scheme: 'file', pattern: '**/*.tf' },
      { scheme: 'file', language: 'yaml', pattern: '**/*.template.{yaml,yml,json}' },
      { scheme: 'file', language: 'yaml', pattern: '**/cloudformation/**/*.{yaml,yml,json}' },
      { scheme: 'file', language: 'yaml', pattern: '**/*cfn*.{yaml,yml,json}' },
      { scheme: 'file', language: 'json', pattern: '**/*.template.{yaml,yml,json}' },
      { scheme: 'file', language: 'json', pattern: '**/cloudformation/**/*.{yaml,yml,json}' },
      { scheme: 'file', language: 'json', pattern: '**/*cfn*.{yaml,yml,json}' },
    ]);
  });

  it('selects Terraform files under the terraform language or by name', () => {
    strictEqual(selects(selector, { languageId: 'terraform', path: '/srv/infra/acm.tf' }), true);
    strictEqual(selects(selector, { languageId: 'plaintext', path: '/srv/infra/acm.tf' }), true);
    strictEqual(selects(selector, { languageId: 'plaintext', path: '/srv/infra/acm.tfstate' }), false);
  });

  it('selects CloudFormation templates by name and folder, in YAML and JSON', () => {
    for (const [languageId, path] of [
      ['yaml', '/srv/app/stack.template.yaml'],
      ['json', '/srv/app/site.template.json'],
      ['yaml', '/srv/app/cloudformation/certificate.yml'],
      ['json', '/srv/app/cloudformation/nested/acm.json'],
      ['yaml', '/srv/app/infra/cfn-certificate.yaml'],
      ['json', '/srv/app/web-cfn.json'],
    ]) {
      strictEqual(selects(selector, { languageId: languageId as string, path: path as string }), true, path);
    }
    strictEqual(selects(selector, { languageId: 'json', path: '/srv/app/package.json' }), false);
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

  it('matches the patterns it exports', () => {
    strictEqual(selector[3]?.pattern, composeFileNamePattern);
    strictEqual(selector[5]?.pattern, terraformFilePattern);
    deepStrictEqual(
      selector.slice(6, 9).map((filter) => filter.pattern),
      cloudFormationFilePatterns,
    );
  });
});

describe('extension manifest', () => {
  const manifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8')) as {
    activationEvents: string[];
    capabilities: { untrustedWorkspaces: { supported: boolean } };
    contributes: {
      languages: { id: string; filenames: string[]; extensions: string[]; filenamePatterns: string[] }[];
      commands: { command: string; title: string; category: string }[];
    };
  };

  it('activates on every language of the selector and on compose files in the workspace', () => {
    deepStrictEqual(manifest.activationEvents, [
      ...[...new Set(certbootDocumentSelector().flatMap((filter) => (filter.language === undefined ? [] : [filter.language])))].map(
        (language) => `onLanguage:${language}`,
      ),
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
