/** The configuration section of every certboot setting (`certboot.rules`, `certboot.trace.server`). */
export const settingsSection = 'certboot';

/**
 * What the server reads: the same shape as certboot.json (`{ "rules": { id: setting } }`).
 * Values are passed on unchecked: the server validates them against its rule catalogue and
 * reports unknown ids and wrong values, which the client cannot know.
 */
export interface ServerSettings {
  readonly rules: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `certboot` section as VS Code resolves it (defaults, user, workspace and folder merged)
 * mapped to the server's settings. `trace.server` stays in the client, which owns the trace.
 */
export function toServerSettings(section: unknown): ServerSettings {
  const rules = isPlainObject(section) ? section.rules : undefined;
  if (rules === undefined || rules === null) return { rules: {} };
  // a copy: VS Code hands out frozen proxies that carry more than the JSON
  return { rules: isPlainObject(rules) ? { ...rules } : rules };
}

/**
 * Answers to a `workspace/configuration` request, item by item: the `certboot` section (or
 * everything, when the server asks without a section) becomes the server's settings;
 * other sections are left as VS Code answered them.
 */
export function mapConfigurationItems(sections: readonly (string | undefined)[], values: readonly unknown[]): unknown[] {
  return values.map((value, index) => {
    const section = sections[index];
    if (section === settingsSection) return toServerSettings(value);
    if (section === undefined || section === '') return toServerSettings(isPlainObject(value) ? value[settingsSection] : undefined);
    return value;
  });
}
