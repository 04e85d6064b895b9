import { deepStrictEqual, strictEqual } from 'node:assert';
import type { FileEdit, Finding } from '../../../server/src/text/findings';
import { applySuppressions, disableRuleForLineEdit } from '../../../server/src/engine/suppressions';
import { findSuppressions } from '../../../server/src/languages/comments/suppression-comments';
import { MemoryFileSystem } from '../../../server/src/workspace/memory-file-system';
import { finding, range } from './support';

function summary(findings: readonly Finding[]): [string, string, number, number, string][] {
  return findings.map((entry) => [entry.ruleId, entry.location.file, entry.location.range.start.line, entry.location.range.start.character, entry.message]);
}

function applyEdit(text: string, edit: FileEdit): string {
  if (edit.kind !== 'replace') throw new Error('expected a replacement');
  const lines = text.split('\n');
  const offset = (line: number, character: number): number => lines.slice(0, line).reduce((total, current) => total + current.length + 1, 0) + character;
  return (
    text.slice(0, offset(edit.range.start.line, edit.range.start.character)) + edit.newText + text.slice(offset(edit.range.end.line, edit.range.end.character))
  );
}

const site = [
  'server {',
  '    listen 443 ssl;',
  '    # certboot-disable-next-line missing-certificate-on-first-boot, certificate-without-chain',
  '',
  '    # a note in between',
  '    ssl_certificate /etc/letsencrypt/live/example.com/cert.pem;',
  '    ssl_certificate_key /etc/letsencrypt/live/example.com/privkey.pem;',
  '    return 200 "# certboot-disable-next-line";',
  '    add_header X-Test a#certboot-disable-next-line;',
  '    # certboot-disable-next-line',
  '    ssl_stapling on;',
  '}',
  '',
].join('\n');

describe('suppression comments', () => {
  it('drops findings on the next non-comment, non-blank nginx line, for the rules named', () => {
    const fileSystem = new MemoryFileSystem({ '/app/site.conf': site });
    const result = applySuppressions(
      [
        finding('missing-certificate-on-first-boot', 'error', '/app/site.conf', range(5, 20, 5, 63), 'missing'),
        finding('certificate-without-chain', 'warning', '/app/site.conf', range(5, 20, 5, 63), 'no chain'),
        finding('webroot-mismatch', 'error', '/app/site.conf', range(5, 4, 5, 19), 'not named: kept'),
        finding('missing-certificate-on-first-boot', 'error', '/app/site.conf', range(6, 24, 6, 69), 'next line: kept'),
        finding('ocsp-stapling-letsencrypt', 'info', '/app/site.conf', range(10, 17, 10, 19), 'any rule on line 11'),
      ],
      fileSystem,
      [],
    );
    deepStrictEqual(summary(result), [
      ['webroot-mismatch', '/app/site.conf', 5, 4, 'not named: kept'],
      ['missing-certificate-on-first-boot', '/app/site.conf', 6, 24, 'next line: kept'],
    ]);
  });

  it('does not take "#" inside an nginx word or quoted string for a comment', () => {
    const suppressions = findSuppressions(site, 'nginx');
    deepStrictEqual(
      suppressions.map((suppression) => [suppression.comment.line, suppression.rules?.map((rule) => rule.id), suppression.target]),
      [
        [2, ['missing-certificate-on-first-boot', 'certificate-without-chain'], { startLine: 5, endLine: 5 }],
        [9, undefined, { startLine: 10, endLine: 10 }],
      ],
    );
  });

  it('reports suppressions that drop nothing and unknown rule ids, with a fix removing them', () => {
    const fileSystem = new MemoryFileSystem({ '/app/site.conf': site });
    const result = applySuppressions([finding('certificate-without-chain', 'warning', '/app/site.conf', range(5, 20, 5, 63), 'no chain')], fileSystem, [
      '/app/site.conf',
    ]);
    deepStrictEqual(summary(result), [
      ['unused-suppression', '/app/site.conf', 2, 33, 'unused suppression: no "missing-certificate-on-first-boot" finding on line 6'],
      ['unused-suppression', '/app/site.conf', 9, 4, 'unused suppression: no finding on line 11'],
    ]);
    strictEqual(result[0].severity, 'info');
    deepStrictEqual(result[0].location.range, range(2, 33, 2, 66));
    deepStrictEqual(
      result[0].fixes.map((fix) => fix.title),
      ['Remove "missing-certificate-on-first-boot" from the suppression'],
    );
    strictEqual(applyEdit(site, result[0].fixes[0].edits[0]).split('\n')[2], '    # certboot-disable-next-line certificate-without-chain');
    deepStrictEqual(result[1].location.range, range(9, 4, 9, 32));
    strictEqual(
      applyEdit(site, result[1].fixes[0].edits[0]).split('\n').slice(8, 10).join('\n'),
      '    add_header X-Test a#certboot-disable-next-line;\n    ssl_stapling on;',
    );

    const unknown = applySuppressions(
      [],
      new MemoryFileSystem({ '/app/x.conf': 'events {} # certboot-disable-next-line webroot-mismach -- typo\nhttp {}\n' }),
      ['/app/x.conf'],
    );
    deepStrictEqual(summary(unknown), [['unused-suppression', '/app/x.conf', 0, 39, 'unknown rule "webroot-mismach" in certboot-disable-next-line']]);
    strictEqual(applyEdit('events {} # certboot-disable-next-line webroot-mismach -- typo\nhttp {}\n', unknown[0].fixes[0].edits[0]), 'events {}\nhttp {}\n');
  });

  it('honours a suppression of a rule it does not know when that rule reported something', () => {
    const fileSystem = new MemoryFileSystem({ '/app/x.conf': '# certboot-disable-next-line future-rule\nhttp {}\n' });
    deepStrictEqual(applySuppressions([finding('future-rule', 'warning', '/app/x.conf', range(1, 0, 1, 4), 'x')], fileSystem, []), []);
  });

  it('drops findings on the next YAML line, ignoring "#" inside quoted strings and block scalars', () => {
    const compose = [
      'services:',
      '  certbot:',
      '    image: "certbot/certbot # certboot-disable-next-line"',
      "    command: 'certonly # certboot-disable-next-line staging-certificate'",
      '    # certboot-disable-next-line staging-certificate -- until the dry run passes',
      '    entrypoint: >',
      '      sh -c "certbot certonly --staging',
      '      # certboot-disable-next-line force-renewal-in-loop',
      '      --force-renewal"',
      '    restart: unless-stopped # certboot-disable-next-line container-name-conflict',
      '    container_name: certbot',
      '',
    ].join('\n');
    const fileSystem = new MemoryFileSystem({ '/app/compose.yaml': compose });
    deepStrictEqual(
      findSuppressions(compose, 'yaml').map((suppression) => [suppression.comment.line, suppression.rules?.map((rule) => rule.id), suppression.target]),
      [
        [4, ['staging-certificate'], { startLine: 5, endLine: 8 }],
        [9, ['container-name-conflict'], { startLine: 10, endLine: 10 }],
      ],
    );
    const result = applySuppressions(
      [
        finding('staging-certificate', 'info', '/app/compose.yaml', range(3, 13, 3, 71), 'line 4: kept, the comment there is inside quotes'),
        finding('staging-certificate', 'info', '/app/compose.yaml', range(6, 30, 6, 39), 'inside the block scalar: dropped'),
        finding('force-renewal-in-loop', 'warning', '/app/compose.yaml', range(8, 6, 8, 21), 'not named: kept'),
        finding('container-name-conflict', 'warning', '/app/compose.yaml', range(10, 20, 10, 27), 'dropped'),
      ],
      fileSystem,
      ['/app/compose.yaml'],
    );
    deepStrictEqual(summary(result), [
      ['staging-certificate', '/app/compose.yaml', 3, 13, 'line 4: kept, the comment there is inside quotes'],
      ['force-renewal-in-loop', '/app/compose.yaml', 8, 6, 'not named: kept'],
    ]);
  });

  it('reads files through the FileSystem and leaves other languages alone', () => {
    const fileSystem = new MemoryFileSystem({ '/app/init.sh': '# certboot-disable-next-line\ncertbot certonly\n' });
    const kept = [finding('force-renewal-in-loop', 'warning', '/app/init.sh', range(1, 0, 1, 7), 'shell')];
    deepStrictEqual(applySuppressions(kept, fileSystem, ['/app/init.sh']), kept);
    deepStrictEqual(applySuppressions(kept, new MemoryFileSystem(), []), kept);
  });

  describe('the "disable this rule for this line" edit', () => {
    it('inserts a comment above the line with its indentation', () => {
      const text = 'server {\n    ssl_certificate /a.pem;\n}\n';
      const edit = disableRuleForLineEdit('/app/site.conf', text, 'nginx', 1, 'missing-certificate-on-first-boot');
      deepStrictEqual(edit, {
        kind: 'replace',
        file: '/app/site.conf',
        range: range(1, 0, 1, 0),
        newText: '    # certboot-disable-next-line missing-certificate-on-first-boot\n',
      });
      const fixed = applyEdit(text, edit);
      const fileSystem = new MemoryFileSystem({ '/app/site.conf': fixed });
      deepStrictEqual(
        applySuppressions([finding('missing-certificate-on-first-boot', 'error', '/app/site.conf', range(2, 20, 2, 26), 'x')], fileSystem, []),
        [],
      );
    });

    it('keeps CRLF line endings', () => {
      deepStrictEqual(disableRuleForLineEdit('/a.yaml', 'a:\r\n  b: 1\r\n', 'yaml', 1, 'host-port-conflict'), {
        kind: 'replace',
        file: '/a.yaml',
        range: range(1, 0, 1, 0),
        newText: '  # certboot-disable-next-line host-port-conflict\r\n',
      });
    });

    it('extends the suppression already aimed at the line', () => {
      const text = 'services:\n  web:\n    # certboot-disable-next-line host-port-conflict -- shared\n\n    ports: ["80:80"]\n';
      const edit = disableRuleForLineEdit('/a.yaml', text, 'yaml', 4, 'container-name-conflict');
      deepStrictEqual(edit, {
        kind: 'replace',
        file: '/a.yaml',
        range: range(2, 4, 2, 61),
        newText: '# certboot-disable-next-line host-port-conflict, container-name-conflict -- shared',
      });
    });

    it('goes above the start of a multi-line block scalar', () => {
      const text = 'services:\n  certbot:\n    command: |\n      certonly\n      --staging\n';
      const edit = disableRuleForLineEdit('/a.yaml', text, 'yaml', 4, 'staging-certificate');
      strictEqual(
        applyEdit(text, edit),
        'services:\n  certbot:\n    # certboot-disable-next-line staging-certificate\n    command: |\n      certonly\n      --staging\n',
      );
    });
  });
});
