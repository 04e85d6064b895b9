import { posix } from 'node:path';
import type { DeployedService } from '../model/deployment';
import { containerPathOf, sameStorage, type StorageOrigin, storageOf } from './acme-challenge';
import { lineagePath } from './certbot-directories';
import type { AcmeShIssuer, InstalledFile, Issuer } from './certificate-issuers';
import type { CertificateReference } from './certificate-references';

/**
 * What a certificate file nginx loads holds, as the issuer that writes it lays it out: a file of
 * certbot's lineage (`live/<name>/cert.pem`, the certificate alone, beside `fullchain.pem`), one
 * of acme.sh's own directory (`<domain>/<domain>.cer` alone, beside `fullchain.cer`), or a file acme.sh
 * installs (`--cert-file` alone, `--fullchain-file`). See certificate-issuers.ts for the sources.
 */
export type IssuedFile =
  | { readonly kind: 'certbot'; readonly place: 'live' | 'archive'; readonly lineage: string; readonly file: string }
  | { readonly kind: 'acme.sh-home'; readonly domain: string; readonly file: 'cert' | 'key' }
  | {
      readonly kind: 'acme.sh-install';
      readonly issuer: AcmeShIssuer;
      readonly installed: InstalledFile;
      /** Where nginx's path is stored: the host directory or volume both see, or nginx's own container when acme.sh runs in it. */
      readonly storage: StorageOrigin;
      /** Some acme.sh run also writes the chain into that file (`--ca-file` or `--fullchain-file` naming it). */
      readonly withChain: boolean;
    };

/** Where a path of a service is stored; a host's nginx (a standalone nginx.conf) reads the host's own path. */
export function nginxStorage(service: DeployedService, path: string): StorageOrigin {
  if (service.nginx?.imageKind === 'host') return { kind: 'host', path };
  return storageOf(service, path, service.nginx?.imageKind === 'official');
}

/**
 * Where a path acme.sh writes is stored: candidates, as a relative path on the host may be
 * counted from the script's directory or from its repository's root (where scripts are run).
 */
export function storagesOfPath(issuer: AcmeShIssuer, path: string): StorageOrigin[] {
  const place = issuer.runsIn;
  if (place.kind === 'unknown' || path === '') return [];
  if (place.kind === 'service') {
    if (!path.startsWith('/')) return [];
    return [storageOf(place.service, posix.normalize(path), issuer.image?.service === place.service)];
  }
  if (path.startsWith('/')) return [{ kind: 'host', path: posix.normalize(path) }];
  const origin = issuer.run.origin;
  if (origin.kind !== 'script') return [];
  const directories = new Set([posix.dirname(origin.script.path), origin.script.repositoryRoot]);
  return [...directories].map((directory) => ({ kind: 'host', path: posix.join(directory, path) }));
}

function installedStorages(issuer: AcmeShIssuer, file: InstalledFile): StorageOrigin[] {
  return file.path.literal && !/[$`]/.test(file.path.value) ? storagesOfPath(issuer, file.path.value) : [];
}

/** Whether acme.sh writes `file` where `service` reads `path` (stored as `storage`). */
function writes(issuer: AcmeShIssuer, file: InstalledFile, service: DeployedService, path: string, storage: StorageOrigin): boolean {
  if (issuer.runsIn.kind === 'service' && issuer.runsIn.service === service)
    return file.path.literal && file.path.value.startsWith('/') && posix.normalize(file.path.value) === posix.normalize(path);
  return installedStorages(issuer, file).some((written) => sameStorage(written, storage));
}

/** The path under which a service sees a file acme.sh installs; undefined when none of its mounts shows it. */
export function installedPathFor(issuer: AcmeShIssuer, file: InstalledFile, service: DeployedService): string | undefined {
  if (issuer.runsIn.kind === 'service' && issuer.runsIn.service === service)
    return file.path.value.startsWith('/') ? posix.normalize(file.path.value) : undefined;
  for (const storage of installedStorages(issuer, file)) {
    if (service.nginx?.imageKind === 'host') {
      if (storage.kind === 'host') return storage.path;
      continue;
    }
    const visible = containerPathOf(service, storage);
    if (visible !== undefined) return visible;
  }
  return undefined;
}

/** `<domain>/<domain>.cer` (the certificate alone) and `<domain>.key` in acme.sh's directory (`<domain>_ecc/` for an ECC key). */
function acmeShHomeFile(path: string): { domain: string; file: 'cert' | 'key' } | undefined {
  const match = /(?:^|\/)([^/]+?)(?:_ecc)?\/([^/]+)$/.exec(path);
  const domain = match?.[1];
  const name = match?.[2];
  if (!domain || !name || !domain.includes('.')) return undefined;
  if (name === `${domain}.cer`) return { domain, file: 'cert' };
  if (name === `${domain}.key`) return { domain, file: 'key' };
  return undefined;
}

/** The acme.sh installs that write the file a service reads at `path`. */
export function installsAt(
  issuers: readonly Issuer[],
  service: DeployedService,
  path: string,
): { issuer: AcmeShIssuer; installed: InstalledFile; storage: StorageOrigin }[] {
  const storage = nginxStorage(service, path);
  if (storage.kind === 'unknown') return [];
  const found: { issuer: AcmeShIssuer; installed: InstalledFile; storage: StorageOrigin }[] = [];
  for (const issuer of issuers) {
    if (issuer.kind !== 'acme.sh') continue;
    for (const installed of issuer.installs) if (writes(issuer, installed, service, path, storage)) found.push({ issuer, installed, storage });
  }
  return found;
}

/** What the file of a certificate reference holds, when an issuer's layout or an acme.sh install tells. */
export function issuedFileOf(issuers: readonly Issuer[], service: DeployedService, reference: CertificateReference): IssuedFile | undefined {
  const lineageFile = reference.certbotPath && lineagePath(reference.certbotPath.relative);
  if (lineageFile) return { kind: 'certbot', place: lineageFile.kind, lineage: lineageFile.name, file: lineageFile.file };
  const installs = installsAt(issuers, service, reference.path);
  const [first] = installs;
  if (first) {
    const leaf = installs.find((install) => install.installed.role === 'cert') ?? first;
    const withChain = installs.some((install) => install.installed.role === 'fullchain' || install.installed.role === 'ca');
    return { kind: 'acme.sh-install', ...leaf, withChain };
  }
  // only where acme.sh runs: a `<domain>/<domain>.cer` of the repository's own may be a bundle
  const home = issuers.some((issuer) => issuer.kind === 'acme.sh') ? acmeShHomeFile(reference.path) : undefined;
  return home ? { kind: 'acme.sh-home', ...home } : undefined;
}
