import { type ComposeEntry, type ComposeMapping, type ComposeNode, isMapping, scalarText } from './compose-node';

/**
 * compose accepts a list or a mapping for `environment` and `depends_on`, and a string or a
 * mapping for `build` and `extends`; it merges them in their mapping form, so files written in
 * different forms still merge key by key. Applied to every service before any merge.
 */
export function normalizeServices(root: ComposeMapping): ComposeMapping {
  const services = root.entries.get('services');
  if (!services || !isMapping(services.value)) return root;
  const normalized = new Map<string, ComposeEntry>();
  for (const [name, entry] of services.value.entries) {
    normalized.set(name, isMapping(entry.value) ? { ...entry, value: normalizeService(entry.value) } : entry);
  }
  const entries = new Map(root.entries);
  entries.set('services', { ...services, value: { ...services.value, entries: normalized } });
  return { ...root, entries };
}

function normalizeService(service: ComposeMapping): ComposeMapping {
  const entries = new Map<string, ComposeEntry>();
  for (const [key, entry] of service.entries) {
    let value = entry.value;
    if (key === 'environment' && value.kind === 'sequence') value = listToMapping(value, (text) => splitAssignment(text));
    else if (key === 'depends_on' && value.kind === 'sequence') value = listToMapping(value, (text) => [text, undefined]);
    else if (key === 'build' && value.kind === 'scalar') value = wrapScalar(value, 'context', entry);
    else if (key === 'extends' && value.kind === 'scalar') value = wrapScalar(value, 'service', entry);
    entries.set(key, value === entry.value ? entry : { ...entry, value });
  }
  return { ...service, entries };
}

function splitAssignment(text: string): [string, string | undefined] {
  const equals = text.indexOf('=');
  return equals < 0 ? [text, undefined] : [text.slice(0, equals), text.slice(equals + 1)];
}

function listToMapping(sequence: ComposeNode & { kind: 'sequence' }, split: (text: string) => [string, string | undefined]): ComposeMapping {
  const entries = new Map<string, ComposeEntry>();
  for (const item of sequence.items) {
    const text = scalarText(item);
    if (text === undefined || item.kind !== 'scalar') continue;
    const [key, value] = split(text);
    entries.set(key, { key, keyLocation: item.location, value: { ...item, value: value ?? null } });
  }
  return { kind: 'mapping', entries, location: sequence.location, baseDirectory: sequence.baseDirectory, tag: sequence.tag };
}

function wrapScalar(scalar: ComposeNode & { kind: 'scalar' }, key: string, entry: ComposeEntry): ComposeMapping {
  const inner: ComposeNode = { ...scalar, tag: undefined };
  return {
    kind: 'mapping',
    entries: new Map([[key, { key, keyLocation: entry.keyLocation, value: inner }]]),
    location: scalar.location,
    baseDirectory: scalar.baseDirectory,
    tag: scalar.tag,
  };
}
