/**
 * Checks the directive tables against a real nginx: for every directive name the nginx table
 * knows (in any release) and every context, writes a configuration with the directive there and
 * asks `nginx -t` whether it is an unknown directive, not allowed there, or given the wrong
 * number of arguments — and compares with what directiveTableFor() says of that build.
 *
 *   npx tsx scripts/nginx-directives/check-against-nginx.ts <nginx binary> <build> [<module .so>…]
 *
 * <build>: `debian:bookworm:<package>` (see debianNginxBuild) or an image reference (nginx:1.27).
 * The .so files are loaded with load_module, absolute paths, and count as loaded for the table.
 * Prints each disagreement and a summary; run by hand (it needs an nginx binary), not by the tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DirectiveDeclaration, directiveTableFor, nginxTableDirectiveNames } from '../../server/src/languages/nginx/directive-tables/directive-table';
import type { NginxBuild } from '../../server/src/languages/nginx/directive-tables/nginx-build';
import type { DirectiveContext } from '../../server/src/languages/nginx/directives';
import { type DebianNginxPackage, debianNginxBuild, nginxBuildOfImage } from '../../server/src/languages/nginx/nginx-builds';

type Verdict = 'accepted' | 'unknown directive' | 'not allowed here' | 'invalid number of arguments';

// each context with a configuration around it; the directive goes where `@` is
const wrappers: Record<DirectiveContext, string> = {
  main: '@\nevents {}\n',
  events: 'events { @ }\n',
  http: 'events {}\nhttp { @ }\n',
  server: 'events {}\nhttp { server { @ } }\n',
  location: 'events {}\nhttp { server { location / { @ } } }\n',
  upstream: 'events {}\nhttp { upstream u { server 127.0.0.1; @ } }\n',
  'server-if': 'events {}\nhttp { server { if ($request_method) { @ } } }\n',
  'location-if': 'events {}\nhttp { server { location / { if ($request_method) { @ } } } }\n',
  limit_except: 'events {}\nhttp { server { location / { limit_except GET { @ } } } }\n',
  stream: 'events {}\nstream { @ }\n',
  'stream-server': 'events {}\nstream { server { @ } }\n',
  'stream-upstream': 'events {}\nstream { upstream u { server 127.0.0.1:1; @ } }\n',
  mail: 'events {}\nmail { @ }\n',
  'mail-server': 'events {}\nmail { server { @ } }\n',
};

/** A statement the declaration's argument rule accepts, or with `wrongCount` one it rejects (undefined: every count is right). */
function statement(name: string, declaration: DirectiveDeclaration | undefined, wrongCount = false): string | undefined {
  const rule = declaration?.arguments ?? { kind: 'counts', counts: [1] };
  let count: number;
  if (!wrongCount)
    count = rule.kind === 'flag' ? 1 : rule.kind === 'atLeast' ? Math.max(rule.minimum, 1) : (rule.counts.find((candidate) => candidate > 0) ?? 0);
  else if (rule.kind === 'flag') count = 2;
  else if (rule.kind === 'atLeast') count = rule.minimum - 1;
  else count = Math.max(...rule.counts) + 1;
  if (count < 0) return undefined;
  const args = rule.kind === 'flag' && !wrongCount ? ['off'] : Array.from({ length: count }, (_, index) => `a${index}`);
  return `${[name, ...args].join(' ')}${declaration?.block ? ' { }' : ';'}`;
}

function verdictOf(output: string, name: string): Verdict {
  const first = output.split('\n').find((line) => /\[emerg\]/.test(line)) ?? '';
  if (first.includes(`unknown directive "${name}"`)) return 'unknown directive';
  if (first.includes(`"${name}" directive is not allowed here`)) return 'not allowed here';
  if (first.includes(`invalid number of arguments in "${name}" directive`)) return 'invalid number of arguments';
  return 'accepted';
}

function buildOf(text: string): NginxBuild {
  const debian = /^debian:(\w+):([\w-]+)$/.exec(text);
  const build = debian ? debianNginxBuild(debian[1], debian[2] as DebianNginxPackage) : nginxBuildOfImage(text);
  if (build === undefined) throw new Error(`no build for ${text}`);
  return build;
}

function main(): void {
  const [binary, buildText, ...modules] = process.argv.slice(2);
  if (binary === undefined || buildText === undefined) throw new Error('usage: check-against-nginx.ts <nginx binary> <build> [<module .so>…]');
  const build = buildOf(buildText);
  const table = directiveTableFor(build, { loadedModules: modules });
  const directory = mkdtempSync(join(tmpdir(), 'certboot-nginx-check-'));
  const loads = modules.map((module) => `load_module ${module};\n`).join('');
  let checked = 0;
  let skipped = 0;
  const disagreements: string[] = [];
  try {
    for (const name of nginxTableDirectiveNames()) {
      for (const context of Object.keys(wrappers) as DirectiveContext[]) {
        const declaration = table.declarationIn(name, context);
        const any = table.lookup(name)?.declarations[0];
        // what depends on a platform probe, the table leaves open
        if ((declaration ?? any)?.certainty === 'possible') {
          skipped++;
          continue;
        }
        const expected: Verdict = declaration !== undefined ? 'accepted' : any !== undefined ? 'not allowed here' : 'unknown directive';
        const cases: [Verdict, string | undefined][] = [[expected, statement(name, declaration ?? any)]];
        // and where it is allowed, a wrong number of arguments
        if (declaration !== undefined) cases.push(['invalid number of arguments', statement(name, declaration, true)]);
        for (const [wanted, text] of cases) {
          if (text === undefined) continue;
          const configuration = join(directory, 'nginx.conf');
          writeFileSync(configuration, `${loads}pid ${join(directory, 'nginx.pid')};\nerror_log stderr;\n${wrappers[context].replace('@', text)}`);
          let output = '';
          try {
            output = execFileSync(binary, ['-t', '-q', '-p', directory, '-c', configuration], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
          } catch (error) {
            output = String((error as { stderr?: string }).stderr ?? '');
          }
          const actual = verdictOf(output, name);
          checked++;
          if (actual !== wanted) {
            disagreements.push(
              `${text} in ${context}: nginx says ${actual}, the table ${wanted}\n    ${output.split('\n').find((line) => line.includes('[emerg]')) ?? ''}`,
            );
          }
        }
      }
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  process.stdout.write(`${disagreements.join('\n')}\n`);
  process.stdout.write(
    `${build.description}: ${checked} configurations checked, ${skipped} left open (platform-dependent), ${disagreements.length} disagreements\n`,
  );
}

main();
