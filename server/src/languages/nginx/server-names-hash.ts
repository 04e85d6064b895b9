/**
 * The hash of server names nginx builds per address when more than one server listens there
 * (src/http/ngx_http.c, ngx_http_server_names()), with the functions of src/core/ngx_hash.c it
 * calls: ngx_hash_add_key() sorts each name into the exact or a wildcard table, and
 * ngx_hash_init() fails when one name does not fit a bucket — `could not build
 * server_names_hash, you should increase server_names_hash_bucket_size: 64`.
 *
 * The sizes are those of a 64-bit build (sizeof(void *) = 8) whose cache line is 64 bytes:
 * nginx's default bucket size is ngx_cacheline_size, which auto/os/conf sets to 64 for x86_64
 * and aarch64 (NGX_CPU_CACHE_LINE) and ngx_cpuinfo() keeps at 64 on the Intel and AMD processors
 * of the last fifteen years. 32-bit ARM and i386 images have 32, ppc64 128, s390x 256.
 */

const pointerSize = 8;
export const cacheLineSize = 64;

/** ngx_align(d, a) */
function align(value: number, boundary: number): number {
  return Math.ceil(value / boundary) * boundary;
}

/** NGX_HASH_ELT_SIZE(): the value pointer, the length, the name and its padding to a pointer. */
function elementSize(keyLength: number): number {
  return pointerSize + align(keyLength + 2, pointerSize);
}

const wordMask = (1n << 64n) - 1n;

/** ngx_hash_key_lc(): key * 31 + the lowercased byte, in a 64-bit ngx_uint_t. */
export function hashKeyLowercase(bytes: Uint8Array): bigint {
  let key = 0n;
  for (const byte of bytes) {
    const lower = byte >= 0x41 && byte <= 0x5a ? byte | 0x20 : byte;
    key = (key * 31n + BigInt(lower)) & wordMask;
  }
  return key;
}

/** A key as nginx hashes it (lowercased, for server names), and the name it stands for in messages. */
export interface HashKey {
  readonly key: string;
  readonly text: string;
}

const encoder = new TextEncoder();

/** The length of a string's UTF-8 bytes, without making them. */
function utf8Length(text: string): number {
  let length = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    // two bytes up to U+07FF, three up to U+FFFF; a surrogate pair (two units) makes four
    length += code < 0x800 ? 1 : code >= 0xd800 && code <= 0xdbff ? 0 : 2;
  }
  return length;
}

export interface HashSettings {
  /** The aligned bucket size: server_names_hash_bucket_size rounded up to the cache line. */
  readonly bucketSize: number;
  readonly maxSize: number;
}

/** What ngx_hash_init() prints: an [emerg] stops nginx, a [warn] only says the hash is not optimal. */
export type HashOutcome = { readonly kind: 'built' } | { readonly kind: 'emerg' | 'warn'; readonly message: string; readonly key?: string };

/**
 * ngx_hash_init() for keys of these byte lengths and hashes, named `name` in the messages. Only an
 * [emerg] matters to the rules: the search for a size that spreads the keys (a [warn] when none up
 * to the maximum does) runs only when the keys together pass 64K, the one case where it can end in
 * an [emerg], or when `search` asks for it.
 */
export function initHash(name: string, keys: readonly HashKey[], settings: HashSettings, options: { readonly search?: boolean } = {}): HashOutcome {
  const { bucketSize, maxSize } = settings;
  if (maxSize === 0) return { kind: 'emerg', message: `could not build ${name}, you should increase ${name}_max_size: ${maxSize}` };
  if (bucketSize > 65536 - cacheLineSize) return { kind: 'emerg', message: `could not build ${name}, too large ${name}_bucket_size: ${bucketSize}` };
  let total = pointerSize;
  for (const key of keys) {
    const length = utf8Length(key.key);
    if (bucketSize < elementSize(length) + pointerSize)
      return { kind: 'emerg', message: `could not build ${name}, you should increase ${name}_bucket_size: ${bucketSize}`, key: key.text };
    total += elementSize(length);
  }
  // what follows only decides between a built hash and a [warn], unless one bucket can pass 64K
  if (total <= 65536 - cacheLineSize && !options.search) return { kind: 'built' };
  const available = bucketSize - pointerSize;
  let start = Math.floor(keys.length / Math.floor(available / (2 * pointerSize)));
  start = start === 0 ? 1 : start;
  if (maxSize > 10000 && keys.length > 0 && Math.floor(maxSize / keys.length) < 100) start = maxSize - 1000;
  // key_hash % size without BigInt: the 64-bit hash as two 32-bit halves
  const halves = keys.map((key) => {
    const bytes = encoder.encode(key.key);
    const hash = hashKeyLowercase(bytes);
    return { high: Number(hash >> 32n), low: Number(hash & 0xffffffffn), length: bytes.length };
  });
  const bucketOf = (half: { high: number; low: number }, size: number): number => ((((half.high % size) * (2 ** 32 % size)) % size) + (half.low % size)) % size;
  const fits = (size: number): boolean => {
    const test = new Map<number, number>();
    for (const key of halves) {
      const bucket = bucketOf(key, size);
      const length = (test.get(bucket) ?? 0) + elementSize(key.length);
      if (length > available) return false;
      test.set(bucket, length);
    }
    return true;
  };
  for (let size = start; size <= maxSize; size++) if (fits(size)) return { kind: 'built' };
  // every size up to the maximum overflows a bucket: nginx warns and uses the maximum size, as long as no bucket passes 64K
  const buckets = new Map<number, number>();
  for (const key of halves) {
    const bucket = bucketOf(key, maxSize);
    const length = (buckets.get(bucket) ?? pointerSize) + elementSize(key.length);
    if (length > 65536 - cacheLineSize) return { kind: 'emerg', message: `could not build ${name}, you should increase ${name}_max_size: ${maxSize}` };
    buckets.set(bucket, length);
  }
  return {
    kind: 'warn',
    message: `could not build optimal ${name}, you should increase either ${name}_max_size: ${maxSize} or ${name}_bucket_size: ${bucketSize}; ignoring ${name}_bucket_size`,
  };
}

/** Where ngx_hash_add_key() (with NGX_HASH_WILDCARD_KEY) puts a server name. */
export type ServerNameKey =
  | { readonly kind: 'exact'; readonly key: string }
  /** `*.example.com` and `.example.com` (head), `www.example.*` (tail): the dot-separated labels of the table's key. */
  | { readonly kind: 'wildcard'; readonly labels: readonly string[] }
  /** NGX_DECLINED: `invalid server name or wildcard "…" on 0.0.0.0:80`. */
  | { readonly kind: 'invalid' };

/** ngx_hash_add_key()'s reading of a server name (not a regex: those never enter the hash). */
export function serverNameKey(name: string): ServerNameKey {
  let stars = 0;
  for (let index = 0; index < name.length; index++) {
    if (name[index] === '*' && ++stars > 1) return { kind: 'invalid' };
    if (name[index] === '.' && name[index + 1] === '.') return { kind: 'invalid' };
    if (name[index] === '\0') return { kind: 'invalid' };
  }
  const lower = name.toLowerCase();
  if (name.length > 1 && name.startsWith('.')) return { kind: 'wildcard', labels: lower.slice(1).split('.') };
  if (name.length > 2) {
    if (name.startsWith('*.')) return { kind: 'wildcard', labels: lower.slice(2).split('.') };
    if (name.endsWith('.*')) return { kind: 'wildcard', labels: lower.slice(0, -2).split('.') };
  }
  if (stars > 0) return { kind: 'invalid' };
  return { kind: 'exact', key: lower };
}

export type ServerNamesOutcome =
  | { readonly kind: 'built' }
  | { readonly kind: 'emerg'; readonly message: string /** The name that does not fit, or is invalid. */; readonly name: string };

/**
 * ngx_http_server_names() for the names of the servers on one address, in their order: invalid
 * wildcards first as nginx adds the names, then the exact table (ngx_hash_init()), then the
 * wildcard tables. ngx_hash_wildcard_init() calls ngx_hash_init() once per level with the labels
 * of that level as keys, so a wildcard fails exactly when one of its labels does not fit a bucket;
 * its levels hold few keys, far from the 64K a bucket may reach.
 */
export function buildServerNames(names: readonly string[], addressText: string, settings: HashSettings): ServerNamesOutcome {
  const exact = new Map<string, string>();
  const labels: { label: string; name: string }[] = [];
  for (const name of names) {
    const key = serverNameKey(name);
    if (key.kind === 'invalid') return { kind: 'emerg', message: `invalid server name or wildcard "${name}" on ${addressText}`, name };
    // a name already added is a warning, "conflicting server name … ignored"
    if (key.kind === 'exact' && !exact.has(key.key)) exact.set(key.key, name);
    if (key.kind === 'wildcard') for (const label of key.labels) labels.push({ label, name });
  }
  const exactKeys = [...exact].map(([key, name]) => ({ key, text: name }));
  const table = 'server_names_hash';
  if (exactKeys.length > 0) {
    const outcome = initHash(table, exactKeys, settings);
    if (outcome.kind === 'emerg') return { kind: 'emerg', message: outcome.message, name: outcome.key ?? exactKeys[0].text };
  }
  for (const { label, name } of labels) {
    const outcome = initHash(table, [{ key: label, text: name }], settings);
    if (outcome.kind === 'emerg') return { kind: 'emerg', message: outcome.message, name };
  }
  return { kind: 'built' };
}

/**
 * The length of a name that serverNameKey() reads as an exact key of the same length, or -1: an
 * ASCII name with no `*`, NUL or `..` that does not start with a dot, as nearly all are (a big
 * configuration has thousands). Lower-casing ASCII keeps its length.
 */
function plainNameLength(name: string): number {
  if (name.charCodeAt(0) === 0x2e) return -1;
  let afterDot = false;
  for (let index = 0; index < name.length; index++) {
    const code = name.charCodeAt(index);
    if (code >= 0x80 || code === 0x2a || code === 0) return -1;
    const dot = code === 0x2e;
    if (dot && afterDot) return -1;
    afterDot = dot;
  }
  return name.length;
}

/**
 * Whether no hash of these names can end in an [emerg], whatever addresses they are spread over:
 * every key and wildcard label fits a bucket, no name is an invalid wildcard, and all of them
 * together stay under the 64K a bucket may hold. Decided in one pass over the names of a whole
 * http block, it spares building each address's hash in the usual case.
 */
export function serverNamesFit(names: readonly string[], settings: HashSettings): boolean {
  const { bucketSize, maxSize } = settings;
  if (maxSize === 0 || bucketSize > 65536 - cacheLineSize) return false;
  // one bucket of the largest hash holds at most every key once, behind its end pointer
  let total = pointerSize;
  for (const name of names) {
    const plain = plainNameLength(name);
    if (plain >= 0) {
      const size = elementSize(plain);
      if (bucketSize < size + pointerSize) return false;
      total += size;
      continue;
    }
    const key = serverNameKey(name);
    if (key.kind === 'invalid') return false;
    const parts = key.kind === 'exact' ? [key.key] : key.labels;
    for (const part of parts) {
      const size = elementSize(utf8Length(part));
      if (bucketSize < size + pointerSize) return false;
      total += size;
    }
  }
  return total <= 65536 - cacheLineSize;
}
