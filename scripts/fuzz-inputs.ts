// The inputs of `npm run fuzz` (scripts/fuzz.ts): mutated fixture projects and the hostile
// shapes of issue 15, each built by a seeded generator into a fresh directory, so that a seed
// and an index rebuild the same input.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** xorshift32: small, fast and the same on every machine. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** A whole number from 0 to n - 1. */
  below(n: number): number {
    return this.next() % Math.max(1, n);
  }

  /** A whole number from low to high, both included, drawn on a log scale so that small ones are common. */
  logBetween(low: number, high: number): number {
    return Math.min(high, Math.round(low * (high / low) ** (this.below(10_001) / 10_000)));
  }

  chance(probability: number): boolean {
    return this.below(1_000_000) < probability * 1_000_000;
  }

  pick<Item>(items: readonly Item[]): Item {
    return items[this.below(items.length)] as Item;
  }
}

/** What the fuzzer runs on one input, besides `certboot lint`. */
export interface Input {
  readonly name: string;
  /** Run `certboot bootstrap --write` twice (the project has an nginx and a certbot service to split). */
  readonly bootstrap: boolean;
  /** Needs an unprivileged user to mean anything (an unreadable directory, as root, is readable). */
  readonly unprivileged: boolean;
}

/** Fixture projects: rule fixtures, bootstrap fixtures and the examples, sorted so a seed picks the same one everywhere. */
export function fixtureProjects(repositoryRoot: string): string[] {
  const projects: string[] = [];
  const rules = join(repositoryRoot, 'test', 'fixtures', 'rules');
  for (const rule of readdirSync(rules).sort()) {
    for (const fixture of readdirSync(join(rules, rule)).sort()) {
      if (statSync(join(rules, rule, fixture)).isDirectory()) projects.push(join(rules, rule, fixture));
    }
  }
  for (const name of ['inline-http-block', 'no-certbot']) projects.push(join(repositoryRoot, 'test', 'fixtures', 'bootstrap', name));
  for (const name of readdirSync(join(repositoryRoot, 'examples')).sort()) projects.push(join(repositoryRoot, 'examples', name));
  return projects;
}

function filesBelow(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((left, right) => (left.name < right.name ? -1 : 1))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...filesBelow(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

const hostileTokens = [
  '{',
  '}',
  ';',
  '"',
  "'",
  '\\',
  '#',
  '\n',
  '\0',
  '$',
  '${',
  '${A:?x}',
  'include conf.d/*.conf;',
  'include /etc/passwd;',
  'include ../../outside/*;',
  'location / {',
  'server {',
  'listen 443 ssl;',
  'ssl_certificate /etc/letsencrypt/live/a/fullchain.pem;',
  '<<: *a',
  '*a',
  '&a ',
  '- ',
  ': ',
  '[',
  ']',
  '!!binary ',
  '!reset ',
  '---\n',
  '../../outside/victim:/etc/nginx/nginx.conf',
  'certbot renew --deploy-hook /hooks/x.sh',
  '\u00ff\u00fe',
  '\ud800',
];

/** One mutation of a file's bytes: flip, insert, delete, duplicate, splice in a hostile token, truncate. */
function mutate(bytes: Buffer, random: Random, donor: Buffer): Buffer {
  const at = random.below(bytes.length + 1);
  switch (random.below(7)) {
    case 0: {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      const index = random.below(copy.length);
      copy[index] = (copy[index] as number) ^ (1 << random.below(8));
      return copy;
    }
    case 1:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(random.pick(hostileTokens)), bytes.subarray(at)]);
    case 2:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(Math.min(bytes.length, at + random.logBetween(1, 200)))]);
    case 3: {
      const length = random.logBetween(1, 400);
      const piece = bytes.subarray(at, at + length);
      return Buffer.concat([
        bytes.subarray(0, at),
        piece.length > 0 ? Buffer.concat(Array.from({ length: random.logBetween(1, 50) }, () => piece)) : piece,
        bytes.subarray(at),
      ]);
    }
    case 4: {
      const start = random.below(donor.length + 1);
      return Buffer.concat([bytes.subarray(0, at), donor.subarray(start, start + random.logBetween(1, 300)), bytes.subarray(at)]);
    }
    case 5:
      return bytes.subarray(0, at);
    default:
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(Array.from({ length: random.logBetween(1, 16) }, () => random.below(256))), bytes.subarray(at)]);
  }
}

function write(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

const nginxCompose = (volumes: readonly string[]): string =>
  `services:\n  web:\n    image: nginx:1.27\n    restart: always\n    ports: ["80:80", "443:443"]\n    volumes:\n${volumes.map((volume) => `      - ${volume}\n`).join('')}`;

/** Each hostile shape writes into `project` (and may point at `outside`), and says what else to run. */
const shapes: Record<string, (project: string, outside: string, random: Random) => Partial<Input>> = {
  'include cycle through a glob': (project, _outside, random) => {
    write(join(project, 'compose.yaml'), nginxCompose(['./conf.d:/etc/nginx/conf.d:ro']));
    const files = random.logBetween(1, 40);
    for (let index = 0; index < files; index++) {
      write(
        join(project, 'conf.d', `s${index}.conf`),
        `server {\n  listen 80;\n  server_name s${index}.example.org;\n  location / {\n    include conf.d/*.conf;\n  }\n}\n`,
      );
    }
    return {};
  },
  'include chain': (project, _outside, random) => {
    write(join(project, 'compose.yaml'), nginxCompose(['./nginx.conf:/etc/nginx/nginx.conf:ro', './conf.d:/etc/nginx/conf.d:ro']));
    write(join(project, 'nginx.conf'), 'events {}\nhttp {\n  server {\n    listen 80;\n    include conf.d/c0.conf;\n  }\n}\n');
    const length = random.logBetween(10, 5000);
    const nest = random.chance(0.3);
    for (let index = 0; index < length; index++) {
      const next = index + 1 < length ? `include conf.d/c${index + 1}.conf;` : 'return 200;';
      write(join(project, 'conf.d', `c${index}.conf`), nest ? `location /${index} { ${next} }\n` : `${next}\n`);
    }
    return {};
  },
  'diamond of includes': (project, _outside, random) => {
    const depth = random.logBetween(5, 40);
    // with a compose service of a known image, the rules on directives judge every file too
    const composed = random.chance(0.5);
    if (composed) write(join(project, 'compose.yaml'), nginxCompose(['./nginx.conf:/etc/nginx/nginx.conf:ro', './:/etc/nginx/d:ro']));
    const directory = composed ? '/etc/nginx/d/' : '';
    const bottom = random.chance(0.5) ? 'server { listen 80; }\n' : 'server { listen 80; server_tokns off; ssl on; }\n';
    write(join(project, 'nginx.conf'), `events {}\nhttp { include ${directory}f0.conf; }\n`);
    for (let index = 0; index < depth; index++) {
      write(join(project, `f${index}.conf`), index + 1 < depth ? `include ${directory}f${index + 1}.conf;\ninclude ${directory}f${index + 1}.conf;\n` : bottom);
    }
    return {};
  },
  'deep nesting': (project, _outside, random) => {
    const depth = random.logBetween(10, 20_000);
    write(join(project, 'nginx.conf'), `events {}\nhttp { server { listen 80; ${'location /a { '.repeat(depth)}return 200; ${'} '.repeat(depth)}} }\n`);
    return {};
  },
  'wide blocks deep down': (project, _outside, random) => {
    const depth = random.logBetween(10, 200);
    const width = random.logBetween(100, 100_000);
    write(
      join(project, 'nginx.conf'),
      `events {}\nhttp { server { ${'location /a { '.repeat(depth)}${'if ($a) { return 200; } '.repeat(width)}${'} '.repeat(depth)}} }\n`,
    );
    return {};
  },
  'huge flat configuration': (project, _outside, random) => {
    const count = random.logBetween(10_000, 7_000_000);
    write(join(project, 'conf.d', 'huge.conf'), random.chance(0.5) ? 'a;'.repeat(count) : 'deny 10.0.0.1;\n'.repeat(Math.min(count, 1_000_000)));
    write(join(project, 'compose.yaml'), nginxCompose(['./conf.d:/etc/nginx/conf.d:ro']));
    return {};
  },
  'YAML alias bomb': (project, _outside, random) => {
    const levels = random.logBetween(3, 12);
    let text = 'x-a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
    for (let level = 1; level < levels; level++) text += `x-a${level}: &a${level} [${Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ')}]\n`;
    text += `services:\n  web:\n    image: nginx\n    environment: *a${levels - 1}\n    labels:\n      <<: *a${levels - 1}\n`;
    write(join(project, 'compose.yaml'), text);
    return {};
  },
  'deep YAML': (project, _outside, random) => {
    const depth = random.logBetween(10, 50_000);
    const text = random.chance(0.5)
      ? `services:\n  web:\n    image: nginx\n    command: ${'['.repeat(depth)}${']'.repeat(depth)}\n`
      : `services:\n  web:\n    image: nginx\n    x:\n${Array.from({ length: Math.min(depth, 2000) }, (_, index) => `${' '.repeat(6 + index)}k:`).join('\n')} 1\n`;
    write(join(project, 'compose.yaml'), text);
    return {};
  },
  'long flow sequence': (project, _outside, random) => {
    const items = random.logBetween(100, 550_000);
    write(join(project, 'compose.yaml'), `services:\n  web:\n    image: nginx\n    ports: [${'"8080:80", '.repeat(items)}"1:1"]\n`);
    return {};
  },
  'links back into the project': (project, _outside, random) => {
    cpSync(join(__dirname, '..', 'examples', 'certbot-deadlock'), project, { recursive: true });
    symlinkSync('.', join(project, 'a'));
    if (random.chance(0.5)) symlinkSync('.', join(project, 'b'));
    symlinkSync('..', join(project, 'nginx', 'up'));
    if (random.chance(0.5)) symlinkSync('loop', join(project, 'loop'));
    return {};
  },
  'links and odd files in place of configuration': (project, outside, random) => {
    cpSync(join(__dirname, '..', 'examples', 'certbot-deadlock'), project, { recursive: true });
    const targets = [
      join(project, 'docker-compose.yml'),
      join(project, 'nginx', 'nginx.conf'),
      join(project, 'nginx', 'conf.d', 'example.com.conf'),
      join(project, 'nginx', 'conf.d'),
    ];
    const target = random.pick(targets);
    execFileSync('rm', ['-rf', target]);
    switch (random.below(6)) {
      case 0:
        execFileSync('mkfifo', [target]);
        break;
      case 1:
        mkdirSync(target);
        break;
      case 2:
        symlinkSync('/dev/zero', target);
        break;
      case 3:
        symlinkSync(target.split('/').pop() as string, target);
        break;
      case 4:
        symlinkSync(relative(dirname(target), join(outside, 'victim')), target);
        break;
      default:
        writeFileSync(target, random.chance(0.5) ? '' : 'null\n');
    }
    return {};
  },
  'links where bootstrap writes': (project, outside, random) => {
    cpSync(join(__dirname, '..', 'examples', 'certbot-deadlock'), project, { recursive: true });
    switch (random.below(3)) {
      case 0:
        write(join(project, 'scripts', '.keep'), '');
        symlinkSync(relative(join(project, 'scripts'), join(outside, 'victim')), join(project, 'scripts', 'init-certificates.sh'));
        break;
      case 1:
        symlinkSync(relative(project, outside), join(project, 'certbot'));
        break;
      default: {
        const compose = join(project, 'docker-compose.yml');
        writeFileSync(
          compose,
          readFileSync(compose, 'utf8').replace(
            '      - ./certbot/www:/var/www/certbot:ro\n',
            '      - ./certbot/www:/var/www/certbot:ro\n      - ../outside:/etc/nginx/https-available\n      - ../outside:/etc/nginx/https-enabled\n',
          ),
        );
      }
    }
    return { bootstrap: true };
  },
  'user scripts where bootstrap writes': (project, _outside, random) => {
    cpSync(join(__dirname, '..', 'examples', 'certbot-deadlock'), project, { recursive: true });
    if (random.chance(0.7)) write(join(project, 'scripts', 'init-certificates.sh'), '#!/bin/sh\necho mine\n');
    if (random.chance(0.7)) write(join(project, 'certbot', 'hooks', 'enable-https.sh'), '#!/bin/sh\necho my hook\n');
    if (random.chance(0.3)) write(join(project, 'certbot', 'hooks', 'certboot-enable-https.sh'), '#!/bin/sh\necho also mine\n');
    return { bootstrap: true };
  },
  'an unreadable directory': (project) => {
    cpSync(join(__dirname, '..', 'examples', 'certbot-deadlock'), join(project, 'site'), { recursive: true });
    chmodSync(join(project, 'site', 'nginx'), 0o000);
    return { unprivileged: true };
  },
};

export const shapeNames = Object.keys(shapes);

/** Inputs 3 and 4 of every 5 are hostile shapes, in turn: `ordinal` counts them; the rest mutate fixtures. */
export function hostileOrdinal(index: number): number | undefined {
  return index % 5 < 3 ? undefined : Math.floor(index / 5) * 2 + (index % 5) - 3;
}

/**
 * Builds input `index` of a run into `root`/project, with `root`/outside beside it (a victim file
 * a hostile link may point at). Three inputs in five mutate a fixture project; the others are
 * hostile shapes, in turn, so that a short run meets each of them.
 */
export function buildInput(root: string, index: number, random: Random, fixtures: readonly string[]): Input {
  const project = join(root, 'project');
  const outside = join(root, 'outside');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'victim'), 'not to be overwritten\n');
  mkdirSync(project, { recursive: true });
  const ordinal = hostileOrdinal(index);
  if (ordinal === undefined) {
    const fixture = random.pick(fixtures);
    cpSync(fixture, project, { recursive: true });
    const files = filesBelow(project).filter((path) => !path.endsWith('expected.json'));
    const donor = readFileSync(random.pick(filesBelow(random.pick(fixtures))));
    const mutations = random.logBetween(1, 12);
    for (let count = 0; count < mutations && files.length > 0; count++) {
      const file = random.pick(files);
      writeFileSync(file, mutate(readFileSync(file), random, donor));
    }
    const bootstrap = existsSync(join(project, 'compose.yaml')) || existsSync(join(project, 'docker-compose.yml'));
    return {
      name: `mutated ${relative(join(__dirname, '..'), fixture)} (${mutations} mutations)`,
      bootstrap: bootstrap && random.chance(0.3),
      unprivileged: false,
    };
  }
  const name = shapeNames[ordinal % shapeNames.length] as string;
  const extra = (shapes[name] as (typeof shapes)[string])(project, outside, random);
  return { name, bootstrap: extra.bootstrap ?? false, unprivileged: extra.unprivileged ?? false };
}
