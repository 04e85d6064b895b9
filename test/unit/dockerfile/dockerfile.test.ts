import { deepStrictEqual, strictEqual } from 'node:assert';
import { summarizeDockerfile } from '../../../server/src/languages/dockerfile/dockerfile';
import { parseImageReference } from '../../../server/src/languages/dockerfile/image-reference';

describe('image references', () => {
  it('normalise Docker Hub names and keep another registry in the repository', () => {
    deepStrictEqual(
      [
        'nginx',
        'nginx:1.27-alpine',
        'docker.io/library/nginx:1.27',
        'index.docker.io/nginx@sha256:0123',
        'nginx:1.25@sha256:0123',
        'NGINXINC/nginx-unprivileged:stable',
        'localhost:5000/nginx:1.27',
        'registry.example.com/library/nginx',
        ' openresty/openresty:alpine ',
      ].map(parseImageReference),
      [
        { repository: 'nginx', tag: undefined, digest: undefined },
        { repository: 'nginx', tag: '1.27-alpine', digest: undefined },
        { repository: 'nginx', tag: '1.27', digest: undefined },
        { repository: 'nginx', tag: undefined, digest: 'sha256:0123' },
        { repository: 'nginx', tag: '1.25', digest: 'sha256:0123' },
        { repository: 'nginxinc/nginx-unprivileged', tag: 'stable', digest: undefined },
        { repository: 'localhost:5000/nginx', tag: '1.27', digest: undefined },
        { repository: 'registry.example.com/library/nginx', tag: undefined, digest: undefined },
        { repository: 'openresty/openresty', tag: 'alpine', digest: undefined },
      ],
    );
  });
});

describe('Dockerfile summaries', () => {
  it('name the image of the running stage and where its FROM writes it', () => {
    const copies = [
      {
        sources: ['site.conf'],
        destination: '/etc/nginx/conf.d/',
        fromOtherImage: false,
        transformed: false,
        step: 1,
        range: { start: { line: 2, character: 0 }, end: { line: 2, character: 33 } },
      },
    ];
    deepStrictEqual(summarizeDockerfile('# base\nFROM  nginx:1.27-alpine\nCOPY site.conf /etc/nginx/conf.d/\n'), {
      baseImage: 'nginx:1.27-alpine',
      baseImageRange: { start: { line: 1, character: 6 }, end: { line: 1, character: 23 } },
      baseImageFromArgument: false,
      copiedPaths: ['/etc/nginx/conf.d/'],
      moduleSteps: [],
      copies,
      copiesOfEveryStage: copies,
      runPaths: [],
      runsCopiedProgram: false,
    });
  });

  it('say what each COPY takes from where, which paths later RUN steps name, and the CMD and ENTRYPOINT that run', () => {
    const summary = summarizeDockerfile(
      [
        'FROM nginx:1.27',
        'RUN rm /etc/nginx/conf.d/default.conf && mkdir -p /var/www/certbot/',
        'COPY ["conf/a.conf", "conf/b.conf", "/etc/nginx/snippets/"]',
        'ADD site.tar.gz /usr/share/nginx/html',
        'COPY start.sh /start.sh',
        'RUN chmod +x /start.sh',
        'CMD nginx -g "daemon off;"',
      ].join('\n'),
    );
    deepStrictEqual(
      summary.copies.map(({ sources, destination, fromOtherImage, transformed, step }) => [sources, destination, fromOtherImage, transformed, step]),
      [
        [['conf/a.conf', 'conf/b.conf'], '/etc/nginx/snippets/', false, false, 2],
        [['site.tar.gz'], '/usr/share/nginx/html', false, true, 3],
        [['start.sh'], '/start.sh', false, false, 4],
      ],
    );
    deepStrictEqual(summary.runPaths, [
      { path: '/etc/nginx/conf.d/default.conf', step: 1 },
      { path: '/var/www/certbot', step: 1 },
    ]);
    // chmod changes no content and does not run the copied script; running it does
    deepStrictEqual([summary.runsCopiedProgram, summarizeDockerfile('FROM nginx\nCOPY setup.sh /setup.sh\nRUN /setup.sh\n').runsCopiedProgram], [false, true]);
    deepStrictEqual([summary.command, summary.entrypoint], [['/bin/sh', '-c', 'nginx -g "daemon off;"'], undefined]);
    // an ENTRYPOINT resets the CMD the stage inherits
    const entrypoint = summarizeDockerfile('FROM nginx AS base\nCMD ["nginx", "-g", "daemon off;"]\nFROM base\nENTRYPOINT ["/init.sh"]\n');
    deepStrictEqual([entrypoint.command, entrypoint.entrypoint], [undefined, ['/init.sh']]);
  });

  it('keep the WORKDIR the running stage ends with, through the stage it is built FROM, for relative destinations too', () => {
    const summary = summarizeDockerfile(
      ['FROM nginx AS base', 'WORKDIR /opt', 'FROM base', 'WORKDIR app', 'COPY start.sh ./start.sh', 'ENTRYPOINT ./start.sh'].join('\n'),
    );
    deepStrictEqual(
      [summary.workingDirectory, summary.copies.map((copy) => copy.destination), summary.entrypoint],
      ['/opt/app', ['/opt/app/start.sh'], ['/bin/sh', '-c', './start.sh']],
    );
    // a new image starts from its own WORKDIR, which the Dockerfile does not tell
    strictEqual(summarizeDockerfile('FROM node AS build\nWORKDIR /src\nFROM nginx\nCOPY a.conf conf.d/a.conf\n').workingDirectory, undefined);
  });

  it('follow FROM <stage> to the image, with what each stage of the chain copies and installs', () => {
    const summary = summarizeDockerfile(
      [
        'FROM node:20 AS assets',
        'RUN npm run build',
        'FROM nginx:1.25.3 AS base',
        'RUN apt-get update \\',
        '  && apt-get install -y nginx-module-geoip',
        'COPY nginx.conf /etc/nginx/nginx.conf',
        'FROM base',
        'COPY --from=assets /app/dist /usr/share/nginx/html',
      ].join('\n'),
    );
    const copies = [
      {
        sources: ['nginx.conf'],
        destination: '/etc/nginx/nginx.conf',
        fromOtherImage: false,
        transformed: false,
        step: 4,
        range: { start: { line: 5, character: 0 }, end: { line: 5, character: 37 } },
      },
      {
        sources: ['/app/dist'],
        destination: '/usr/share/nginx/html',
        fromOtherImage: true,
        transformed: false,
        step: 6,
        range: { start: { line: 7, character: 0 }, end: { line: 7, character: 50 } },
      },
    ];
    deepStrictEqual(summary, {
      baseImage: 'nginx:1.25.3',
      baseImageRange: { start: { line: 2, character: 5 }, end: { line: 2, character: 17 } },
      baseImageFromArgument: false,
      copiedPaths: ['/etc/nginx/nginx.conf', '/usr/share/nginx/html'],
      moduleSteps: [
        {
          text: 'RUN apt-get update  && apt-get install -y nginx-module-geoip',
          range: { start: { line: 3, character: 0 }, end: { line: 3, character: 20 } },
        },
      ],
      copies,
      copiesOfEveryStage: copies,
      runPaths: [],
      runsCopiedProgram: false,
    });
  });

  it('keep the copies of every stage apart, also of one the running stage only copies from', () => {
    const summary = summarizeDockerfile(
      ['FROM alpine AS files', 'COPY nginx.conf /rootfs/etc/nginx/', 'FROM nginx:1.27-alpine', 'COPY --from=files /rootfs/ /'].join('\n'),
    );
    deepStrictEqual(
      [summary.copies, summary.copiesOfEveryStage].map((copies) =>
        copies.map(({ sources, destination, fromOtherImage }) => [sources, destination, fromOtherImage]),
      ),
      [
        [[['/rootfs/'], '/', true]],
        [
          [['nginx.conf'], '/rootfs/etc/nginx/', false],
          [['/rootfs/'], '/', true],
        ],
      ],
    );
  });

  it('substitute the defaults of the ARGs before the first FROM, and say the image comes from one', () => {
    const withDefault = summarizeDockerfile('ARG NGINX_VERSION=1.27.5\nARG VARIANT\nFROM nginx:${NGINX_VERSION}-alpine${VARIANT:+-slim}\n');
    deepStrictEqual([withDefault.baseImage, withDefault.baseImageFromArgument], ['nginx:1.27.5-alpine', true]);
    const withoutDefault = summarizeDockerfile('ARG TAG\nFROM nginx:$TAG\n');
    deepStrictEqual([withoutDefault.baseImage, withoutDefault.baseImageFromArgument], ['nginx:$TAG', true]);
  });

  it('find the steps that compile or install nginx modules, and only those', () => {
    const steps = (run: string) => summarizeDockerfile(`FROM nginx:1.27\nRUN ${run}\n`).moduleSteps.length;
    deepStrictEqual(
      [
        'apt-get install -y libnginx-mod-http-headers-more-filter',
        'apk add nginx-mod-http-lua',
        'cd /src/nginx && ./configure --with-compat --add-dynamic-module=../brotli && make modules',
        'apt-get install -y curl certbot python3-certbot-nginx',
        'rm /etc/nginx/conf.d/default.conf',
      ].map(steps),
      [1, 1, 1, 0, 0],
    );
  });
});
