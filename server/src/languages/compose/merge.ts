import { type ComposeEntry, type ComposeMapping, type ComposeNode, isMapping } from './compose-node';
import { portMergeKey } from './port-syntax';
import { volumeMergeKey } from './volume-syntax';

/**
 * The compose merge rules, for override files and `extends`: mappings merge key by key,
 * sequences append, `command`/`entrypoint`/`healthcheck.test` are replaced, `ports` and
 * `volumes` merge entries that share a unique key, `!reset` removes and `!override` replaces.
 * Inputs are never modified: aliases may share nodes between services.
 */
export function mergeFiles(base: ComposeMapping, override: ComposeMapping): ComposeMapping {
  return mergeMappings(base, override, (key, baseValue, overrideValue) => {
    if (key === 'services' && isMapping(baseValue) && isMapping(overrideValue)) {
      return mergeMappings(baseValue, overrideValue, (_name, baseService, overrideService) =>
        isMapping(baseService) && isMapping(overrideService) ? mergeServices(baseService, overrideService) : mergeNodes(baseService, overrideService),
      );
    }
    return mergeNodes(baseValue, overrideValue);
  });
}

export function mergeServices(base: ComposeMapping, override: ComposeMapping): ComposeMapping {
  return mergeMappings(base, override, (key, baseValue, overrideValue) => {
    if (overrideValue.tag === 'override') return overrideValue;
    switch (key) {
      case 'command':
      case 'entrypoint':
        return overrideValue;
      case 'healthcheck':
        return isMapping(baseValue) && isMapping(overrideValue)
          ? mergeMappings(baseValue, overrideValue, (field, baseField, overrideField) =>
              field === 'test' ? overrideField : mergeNodes(baseField, overrideField),
            )
          : overrideValue;
      case 'ports':
        return mergeUnique(baseValue, overrideValue, portMergeKey);
      case 'volumes':
        return mergeUnique(baseValue, overrideValue, volumeMergeKey);
      default:
        return mergeNodes(baseValue, overrideValue);
    }
  });
}

type MergeValue = (key: string, base: ComposeNode, override: ComposeNode) => ComposeNode;

function mergeMappings(base: ComposeMapping, override: ComposeMapping, mergeValue: MergeValue): ComposeMapping {
  if (override.tag === 'override') return override;
  const entries = new Map<string, ComposeEntry>(base.entries);
  for (const [key, overrideEntry] of override.entries) {
    const baseEntry = base.entries.get(key);
    if (overrideEntry.value.tag === 'reset') entries.delete(key);
    else if (baseEntry === undefined || baseEntry.value.tag === 'reset') entries.set(key, overrideEntry);
    else entries.set(key, { ...baseEntry, value: mergeValue(key, baseEntry.value, overrideEntry.value) });
  }
  return { ...base, entries };
}

function mergeNodes(base: ComposeNode, override: ComposeNode): ComposeNode {
  if (override.tag === 'override') return override;
  if (isMapping(base) && isMapping(override)) return mergeMappings(base, override, (_key, baseValue, overrideValue) => mergeNodes(baseValue, overrideValue));
  if (base.kind === 'sequence' && override.kind === 'sequence') return { ...base, items: [...base.items, ...override.items] };
  return override;
}

function mergeUnique(base: ComposeNode, override: ComposeNode, keyOf: (node: ComposeNode) => string | undefined): ComposeNode {
  if (base.kind !== 'sequence' || override.kind !== 'sequence') return override;
  const items = [...base.items];
  const keys = items.map(keyOf);
  for (const item of override.items) {
    const key = keyOf(item);
    const index = key === undefined ? -1 : keys.indexOf(key);
    if (index >= 0) items[index] = item;
    else {
      items.push(item);
      keys.push(key);
    }
  }
  return { ...base, items };
}
