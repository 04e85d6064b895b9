import { deepStrictEqual, strictEqual } from 'node:assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatGitlab } from '../../../server/src/engine/format-gitlab';
import { formatJson } from '../../../server/src/engine/format-json';
import { formatSarif } from '../../../server/src/engine/format-sarif';
import { formatText } from '../../../server/src/engine/format-text';
import { rules } from '../../../server/src/rules/index';
import { finding, range } from './support';

const cwd = '/srv/app';

const findings = [
  finding('certificate-path-not-live', 'warning', '/srv/app/nginx/conf.d/site.conf', range(4, 18, 4, 52), 'certificate copied out of live/', {
    fixes: [
      {
        title: 'Point at live/example.com/fullchain.pem',
        safe: true,
        preferred: true,
        edits: [
          { kind: 'replace', file: '/srv/app/nginx/conf.d/site.conf', range: range(4, 18, 4, 52), newText: '/etc/letsencrypt/live/example.com/fullchain.pem' },
        ],
      },
    ],
  }),
  finding('missing-certificate-on-first-boot', 'error', '/srv/app/nginx/conf.d/site.conf', range(3, 18, 3, 63), 'fullchain.pem does not exist on first boot', {
    related: [{ file: '/srv/app/compose.yaml', range: range(9, 8, 9, 40), message: 'created later by service `certbot` through this mount' }],
    fixes: [
      {
        title: 'Split into HTTP-first stages',
        edits: [
          { kind: 'create', file: '/srv/app/nginx/templates/http.conf', content: 'server { listen 80; }\n' },
          { kind: 'replace', file: '/srv/app/compose.yaml', range: range(9, 8, 9, 40), newText: './nginx/templates:/etc/nginx/templates:ro' },
        ],
      },
    ],
  }),
  finding('staging-certificate', 'info', '/srv/app/compose.yaml', range(14, 40, 14, 49), 'certbot uses the staging server (--staging)'),
];

describe('lint formatters', () => {
  it('prints text grouped by file, 1-based positions, related locations and a summary', () => {
    strictEqual(
      formatText(findings, { cwd, color: false }),
      [
        'compose.yaml:15:41  info  certbot uses the staging server (--staging)  [staging-certificate]',
        '',
        'nginx/conf.d/site.conf:4:19  error  fullchain.pem does not exist on first boot  [missing-certificate-on-first-boot]',
        '  ↳ compose.yaml:10:9  created later by service `certbot` through this mount',
        'nginx/conf.d/site.conf:5:19  warning  certificate copied out of live/  [certificate-path-not-live]',
        '',
        '✖ 3 problems (1 error, 1 warning, 1 info)',
        '',
      ].join('\n'),
    );
  });

  it('colors severity, rule id, related lines and the summary only when asked', () => {
    const text = formatText([findings[0]], { cwd, color: true });
    strictEqual(
      text,
      'nginx/conf.d/site.conf:5:19  \u001b[33mwarning\u001b[0m  certificate copied out of live/  \u001b[2m[certificate-path-not-live]\u001b[0m\n' +
        '\n' +
        '\u001b[1m\u001b[33m✖ 1 problem (0 errors, 1 warning, 0 info)\u001b[0m\n',
    );
    strictEqual(formatText([], { cwd, color: true }), '\u001b[32mno problems\u001b[0m\n');
    strictEqual(formatText([], { cwd, color: false }), 'no problems\n');
  });

  it('keeps paths outside the working directory relative, with forward slashes', () => {
    const outside = finding('host-port-conflict', 'error', '/srv/other/compose.yaml', range(0, 0, 0, 1), 'port 80 taken');
    strictEqual(
      formatText([outside], { cwd: '/srv/app', color: false }).split('\n')[0],
      '../other/compose.yaml:1:1  error  port 80 taken  [host-port-conflict]',
    );
  });

  it('prints the JSON report exactly, sorted, with 0-based ranges and relative files', () => {
    deepStrictEqual(JSON.parse(formatJson(findings, { cwd, color: true })), {
      version: 1,
      findings: [
        {
          ruleId: 'staging-certificate',
          severity: 'info',
          message: 'certbot uses the staging server (--staging)',
          file: 'compose.yaml',
          range: range(14, 40, 14, 49),
          related: [],
          fixes: [],
        },
        {
          ruleId: 'missing-certificate-on-first-boot',
          severity: 'error',
          message: 'fullchain.pem does not exist on first boot',
          file: 'nginx/conf.d/site.conf',
          range: range(3, 18, 3, 63),
          related: [{ file: 'compose.yaml', range: range(9, 8, 9, 40), message: 'created later by service `certbot` through this mount' }],
          fixes: [
            {
              title: 'Split into HTTP-first stages',
              safe: false,
              preferred: false,
              edits: [
                { file: 'nginx/templates/http.conf', create: true, content: 'server { listen 80; }\n' },
                { file: 'compose.yaml', range: range(9, 8, 9, 40), newText: './nginx/templates:/etc/nginx/templates:ro' },
              ],
            },
          ],
        },
        {
          ruleId: 'certificate-path-not-live',
          severity: 'warning',
          message: 'certificate copied out of live/',
          file: 'nginx/conf.d/site.conf',
          range: range(4, 18, 4, 52),
          related: [],
          fixes: [
            {
              title: 'Point at live/example.com/fullchain.pem',
              safe: true,
              preferred: true,
              edits: [{ file: 'nginx/conf.d/site.conf', range: range(4, 18, 4, 52), newText: '/etc/letsencrypt/live/example.com/fullchain.pem' }],
            },
          ],
        },
      ],
    });
    strictEqual(formatJson([], { cwd, color: false }), '{"version":1,"findings":[]}\n');
  });

  it('sorts equal positions by rule id', () => {
    const file = '/srv/app/a.conf';
    const report = JSON.parse(
      formatJson([finding('b-rule', 'error', file, range(0, 0, 0, 1), 'b'), finding('a-rule', 'error', file, range(0, 0, 0, 1), 'a')], { cwd, color: false }),
    ) as {
      findings: { ruleId: string }[];
    };
    deepStrictEqual(
      report.findings.map((entry) => entry.ruleId),
      ['a-rule', 'b-rule'],
    );
  });

  it('writes SARIF 2.1.0 with the rule table, 1-based columns, related locations and fixes', () => {
    const text = formatSarif(findings, { cwd, color: false });
    const log = JSON.parse(text) as {
      $schema: string;
      version: string;
      runs: {
        tool: {
          driver: {
            name: string;
            rules: {
              id: string;
              shortDescription: { text: string };
              fullDescription: { text: string };
              help: { text: string; markdown?: string };
              defaultConfiguration: { level: string };
              properties?: Record<string, unknown>;
            }[];
          };
        };
        originalUriBaseIds: Record<string, { uri: string }>;
        columnKind: string;
        results: Record<string, unknown>[];
      }[];
    };
    strictEqual(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    strictEqual(log.version, '2.1.0');
    strictEqual(log.runs.length, 1);
    const [run] = log.runs;
    strictEqual(run.tool.driver.name, 'certboot');
    strictEqual(run.columnKind, 'utf16CodeUnits');
    deepStrictEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///srv/app/' } });
    deepStrictEqual(
      run.tool.driver.rules.map((rule) => rule.id),
      rules.map((rule) => rule.id),
    );
    for (const rule of run.tool.driver.rules) {
      strictEqual(rule.shortDescription.text.length > 0 && rule.fullDescription.text.length > 0 && rule.help.text.length > 0, true, rule.id);
      strictEqual(rule.help.text.endsWith(`docs/rules/${rule.id}.md in the certboot package.`), true);
      strictEqual(rule.help.markdown, readFileSync(join(__dirname, '..', '..', '..', 'docs', 'rules', `${rule.id}.md`), 'utf8'), rule.id);
    }
    const staging = run.tool.driver.rules.findIndex((rule) => rule.id === 'staging-certificate');
    strictEqual(run.tool.driver.rules[staging].defaultConfiguration.level, 'note');
    deepStrictEqual(run.tool.driver.rules[staging].properties, { tags: ['renewal'], category: 'renewal', scope: 'project', fixable: 'sometimes' });
    deepStrictEqual(run.tool.driver.rules.find((rule) => rule.id === 'host-port-conflict')?.properties, {
      tags: ['collisions'],
      category: 'collisions',
      scope: 'host',
      fixable: 'never',
    });
    deepStrictEqual(run.results[0], {
      ruleId: 'staging-certificate',
      ruleIndex: staging,
      level: 'note',
      message: { text: 'certbot uses the staging server (--staging)' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
            region: { startLine: 15, startColumn: 41, endLine: 15, endColumn: 50 },
          },
        },
      ],
    });
    const missing = run.results[1];
    strictEqual(missing.level, 'error');
    deepStrictEqual(missing.relatedLocations, [
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 10, startColumn: 9, endLine: 10, endColumn: 41 },
        },
        message: { text: 'created later by service `certbot` through this mount' },
      },
    ]);
    deepStrictEqual(missing.fixes, [
      {
        description: { text: 'Split into HTTP-first stages' },
        artifactChanges: [
          {
            artifactLocation: { uri: 'nginx/templates/http.conf', uriBaseId: '%SRCROOT%' },
            replacements: [{ deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text: 'server { listen 80; }\n' } }],
          },
          {
            artifactLocation: { uri: 'compose.yaml', uriBaseId: '%SRCROOT%' },
            replacements: [
              {
                deletedRegion: { startLine: 10, startColumn: 9, endLine: 10, endColumn: 41 },
                insertedContent: { text: './nginx/templates:/etc/nginx/templates:ro' },
              },
            ],
          },
        ],
      },
    ]);
    strictEqual(run.results[2].level, 'warning');
  });

  it('adds rules it does not know to the SARIF rule table and percent-encodes URIs', () => {
    const log = JSON.parse(formatSarif([finding('future-rule', 'warning', '/srv/app/my conf/a#b.conf', range(0, 0, 0, 3), 'new')], { cwd, color: false })) as {
      runs: {
        tool: { driver: { rules: { id: string; defaultConfiguration: { level: string }; properties?: unknown }[] } };
        results: { ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    const { rules } = log.runs[0].tool.driver;
    const result = log.runs[0].results[0];
    deepStrictEqual(rules[result.ruleIndex].id, 'future-rule');
    strictEqual(rules[result.ruleIndex].defaultConfiguration.level, 'warning');
    strictEqual(rules[result.ruleIndex].properties, undefined);
    strictEqual(result.locations[0].physicalLocation.artifactLocation.uri, 'my%20conf/a%23b.conf');
  });

  describe('GitLab Code Quality', () => {
    // the texts the findings point at: line 4 of site.conf holds the certificate path, and so on
    const site = [
      'server {',
      '  listen 443 ssl;',
      '  server_name shop.test;',
      '  ssl_certificate /etc/letsencrypt/live/shop.test/fullchain.pem;',
      '  ssl_certificate /etc/ssl/example.com/fullchain.pem;',
      '}',
      '',
    ].join('\n');
    const sources: Record<string, string> = { '/srv/app/nginx/conf.d/site.conf': site };
    const sourceText = (file: string): string | undefined => sources[file];
    const md5 = (...parts: string[]): string => createHash('md5').update(parts.join('\0')).digest('hex');

    it('writes the documented fields: description, check_name, fingerprint, severity, relative path, 1-based line', () => {
      strictEqual(
        formatGitlab(findings, { cwd, color: true, sourceText }),
        `${JSON.stringify(
          [
            {
              description: 'certbot uses the staging server (--staging)',
              check_name: 'staging-certificate',
              // compose.yaml cannot be read here: the message stands for the text
              fingerprint: md5('staging-certificate', 'compose.yaml', 'certbot uses the staging server (--staging)', '0'),
              severity: 'info',
              location: { path: 'compose.yaml', lines: { begin: 15 } },
            },
            {
              description: 'fullchain.pem does not exist on first boot',
              check_name: 'missing-certificate-on-first-boot',
              // MD5 of "missing-certificate-on-first-boot", the path, the pointed text and "0", NUL-separated
              fingerprint: '3371bdba623958f4590b7df330ebd036',
              severity: 'critical',
              location: { path: 'nginx/conf.d/site.conf', lines: { begin: 4 } },
            },
            {
              description: 'certificate copied out of live/',
              check_name: 'certificate-path-not-live',
              fingerprint: md5('certificate-path-not-live', 'nginx/conf.d/site.conf', '/etc/ssl/example.com/fullchain.pem', '0'),
              severity: 'major',
              location: { path: 'nginx/conf.d/site.conf', lines: { begin: 5 } },
            },
          ],
          null,
          2,
        )}\n`,
      );
      strictEqual(formatGitlab([], { cwd, color: false }), '[]\n');
    });

    it('keeps a fingerprint when lines are added above the finding, and gives equal findings in one file their own', () => {
      const fingerprints = (text: string, ranges: ReturnType<typeof range>[]): string[] =>
        JSON.parse(
          formatGitlab(
            ranges.map((at) => finding('missing-certificate-on-first-boot', 'error', '/srv/app/site.conf', at, 'missing')),
            { cwd, color: false, sourceText: () => text },
          ),
        ).map((issue: { fingerprint: string }) => issue.fingerprint);
      const before = fingerprints('ssl_certificate /a.pem;\nssl_certificate /b.pem;\nssl_certificate /a.pem;\n', [
        range(0, 16, 0, 22),
        range(1, 16, 1, 22),
        range(2, 16, 2, 22),
      ]);
      const after = fingerprints('# a comment\n\nssl_certificate /a.pem;\nssl_certificate /b.pem;\nssl_certificate /a.pem;\n', [
        range(2, 16, 2, 22),
        range(3, 16, 3, 22),
        range(4, 16, 4, 22),
      ]);
      deepStrictEqual(after, before);
      strictEqual(new Set(before).size, 3);
      deepStrictEqual(before, [
        md5('missing-certificate-on-first-boot', 'site.conf', '/a.pem', '0'),
        md5('missing-certificate-on-first-boot', 'site.conf', '/b.pem', '0'),
        md5('missing-certificate-on-first-boot', 'site.conf', '/a.pem', '1'),
      ]);
    });
  });
});
