import { spawnSync } from 'node:child_process';
import { closeSync, openSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const cli = join(resolve(__dirname, '..'), 'dist', 'cli.js');

export interface ProcessFigures {
  readonly ms: number;
  /** User and system CPU time of the process, all its threads: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly status: number | null;
  readonly peakRssMb: number;
  /** How many bytes it wrote to standard output. */
  readonly outputBytes: number;
}

/** A preload script that makes the measured process report its own peak RSS and CPU time on exit. */
export function writePeakRssReporter(directory: string): string {
  const path = join(directory, 'report-peak-rss.js');
  writeFileSync(
    path,
    "process.on('exit', () => { const usage = process.resourceUsage(); process.stderr.write(`certboot-bench-peak-rss-kb=${usage.maxRSS} certboot-bench-cpu-us=${usage.userCPUTime + usage.systemCPUTime}\\n`); });\n",
  );
  return path;
}

export interface MeasureOptions {
  /** Environment of the process: the inherited one by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where standard output goes: `bench-stdout.txt` in the working directory by default. */
  readonly outputPath?: string;
}

/**
 * Runs the built CLI in its own process, as a user would, and times the whole process. Its
 * standard output goes to a file, as `certboot parse big.conf > payload.json` does: collecting
 * tens of megabytes through a pipe into this process would time this process too.
 */
export function measureProcess(args: string[], reportPath: string, cwd: string, options: MeasureOptions = {}): ProcessFigures {
  const outputPath = options.outputPath ?? join(cwd, 'bench-stdout.txt');
  const output = openSync(outputPath, 'w');
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--require', reportPath, cli, ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', output, 'pipe'],
    env: options.env ?? process.env,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(output);
  const report = /certboot-bench-peak-rss-kb=(\d+) certboot-bench-cpu-us=(\d+)/.exec(result.stderr);
  if (!report) throw new Error(`no peak RSS report from the CLI: ${result.stderr}`);
  return { ms, cpuMs: Number(report[2]) / 1000, status: result.status, peakRssMb: Number(report[1]) / 1024, outputBytes: statSync(outputPath).size };
}

/** The run with the least wall time. */
export function fastest(runs: readonly ProcessFigures[]): ProcessFigures {
  return runs.reduce((left, right) => (left.ms < right.ms ? left : right));
}

/** `met` or `NOT met`, for a figure printed next to its target. */
export function verdict(met: boolean): string {
  return met ? 'met' : 'NOT met';
}

export function linesPerSecond(lines: number, ms: number): string {
  return Math.round((lines / ms) * 1000).toLocaleString('en-US');
}

export function percentile(sortedSamples: readonly number[], quantile: number): number {
  return sortedSamples[Math.min(sortedSamples.length - 1, Math.floor(quantile * sortedSamples.length))];
}

export interface CertificatePaths {
  certificate(domain: string): string;
  key(domain: string): string;
}

/** Let's Encrypt's layout: what a real deployment names. */
export const letsEncryptPaths: CertificatePaths = {
  certificate: (domain) => `/etc/letsencrypt/live/${domain}/fullchain.pem`,
  key: (domain) => `"/etc/letsencrypt/live/${domain}/privkey.pem"`,
};

/** A realistic big config: per site an HTTP server that redirects and an HTTPS server, as lines. */
export function generateNginxConfig(sites: number, paths: CertificatePaths = letsEncryptPaths): string[] {
  const lines = [
    'user nginx;',
    'worker_processes auto;',
    'events { worker_connections 1024; }',
    'http {',
    '    include mime.types;',
    '    log_format main \'$remote_addr - $remote_user [$time_local] "$request" $status\';',
  ];
  for (let site = 0; site < sites; site++) {
    const domain = `site${site}.example.com`;
    lines.push(
      `    # ${domain}`,
      '    server {',
      '        listen 80;',
      `        server_name ${domain} www.${domain};`,
      '        location ^~ /.well-known/acme-challenge/ { root /var/www/certbot; }',
      '        location / { return 301 https://$host$request_uri; }',
      '    }',
      '    server {',
      '        listen 443 ssl;',
      `        server_name ${domain};`,
      `        ssl_certificate ${paths.certificate(domain)};`,
      `        ssl_certificate_key ${paths.key(domain)};`,
      '        location ~* \\.(png|jpg|css|js)$ { expires 30d; add_header Cache-Control "public"; }',
      `        location / { proxy_pass http://backend${site % 50}:8080; proxy_set_header Host $host; }`,
      '    }',
    );
  }
  lines.push('}');
  return lines;
}
