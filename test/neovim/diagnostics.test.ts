import { deepStrictEqual } from 'node:assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, DiagnosticRelatedInformation } from 'vscode-languageserver-protocol';
import { repositoryRoot } from '../support/paths';
import { diagnosticsFromNeovim } from './run-neovim';

const example = join(repositoryRoot, 'examples', 'certbot-deadlock');
const config = join(example, 'nginx', 'conf.d', 'example.com.conf');
const compose = pathToFileURL(join(example, 'docker-compose.yml')).href;

function range(line: number, start: number, end: number): Diagnostic['range'] {
  return { start: { line, character: start }, end: { line, character: end } };
}

function inCompose(line: number, start: number, end: number, message: string): DiagnosticRelatedInformation {
  return { location: { uri: compose, range: range(line, start, end) }, message };
}

function error(ruleId: string, where: Diagnostic['range'], message: string, related: DiagnosticRelatedInformation[]): Diagnostic {
  return {
    range: where,
    severity: 1,
    source: 'certboot',
    code: ruleId,
    codeDescription: { href: pathToFileURL(join(repositoryRoot, 'docs', 'rules', `${ruleId}.md`)).href },
    message,
    relatedInformation: related,
    // the identity a code action request sends back: rule, range, and which of that rule and range
    data: { finding: `${ruleId}@${where.start.line}:${where.start.character}-${where.end.line}:${where.end.character}#0` },
  };
}

const nginxMount = inCompose(11, 8, 42, 'mounted into service `nginx` here');
const certbotMount = inCompose(18, 8, 39, 'service `certbot` writes the certificate through this mount');
const certbotCommand = inCompose(20, 13, 138, 'service `certbot` obtains the certificate here');
const webrootOnly = (file: string): DiagnosticRelatedInformation =>
  inCompose(20, 13, 138, `service \`certbot\` runs \`certbot certonly --webroot\` here, which never writes \`${file}\``);

describe('Neovim as the language client (headless, dist/server.js --stdio)', () => {
  it('receives the first-boot diagnostics of the example nginx config', async () => {
    const { last } = await diagnosticsFromNeovim(config, example);
    deepStrictEqual(last.uri, pathToFileURL(config).href);
    deepStrictEqual(last.diagnostics, [
      error(
        'missing-certificate-on-first-boot',
        range(5, 20, 67),
        '`ssl_certificate` "/etc/letsencrypt/live/example.com/fullchain.pem" does not exist when nginx (service `nginx`) first starts: it is created later by service `certbot` through `./certbot/conf` → `/etc/letsencrypt`, and certbot can only get it once nginx answers on port 80. nginx exits with `[emerg] cannot load certificate "/etc/letsencrypt/live/example.com/fullchain.pem": BIO_new_file() failed`.',
        [nginxMount, certbotMount, certbotCommand],
      ),
      error(
        'missing-certificate-on-first-boot',
        range(6, 24, 69),
        '`ssl_certificate_key` "/etc/letsencrypt/live/example.com/privkey.pem" does not exist when nginx (service `nginx`) first starts: it is created later by service `certbot` through `./certbot/conf` → `/etc/letsencrypt`, and certbot can only get it once nginx answers on port 80. nginx exits with `[emerg] cannot load certificate key "/etc/letsencrypt/live/example.com/privkey.pem": BIO_new_file() failed`.',
        [nginxMount, certbotMount, certbotCommand],
      ),
      error(
        'certbot-nginx-options-missing',
        range(7, 12, 51),
        '`include` "/etc/letsencrypt/options-ssl-nginx.conf" names a file that only certbot\'s nginx installer (`--nginx`) writes, but service `certbot` obtains certificates with `certbot certonly --webroot`, which never creates it: nginx (service `nginx`) exits with `[emerg] open() "/etc/letsencrypt/options-ssl-nginx.conf" failed (2: No such file or directory)`.',
        [nginxMount, webrootOnly('options-ssl-nginx.conf')],
      ),
      error(
        'certbot-nginx-options-missing',
        range(8, 16, 49),
        '`ssl_dhparam` "/etc/letsencrypt/ssl-dhparams.pem" names a file that only certbot\'s nginx installer (`--nginx`) writes, but service `certbot` obtains certificates with `certbot certonly --webroot`, which never creates it: nginx (service `nginx`) exits with `[emerg] BIO_new_file("/etc/letsencrypt/ssl-dhparams.pem") failed`.',
        [nginxMount, webrootOnly('ssl-dhparams.pem')],
      ),
    ]);
  });
});
