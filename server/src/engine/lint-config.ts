import { posix } from 'node:path';
import type { Finding, Severity } from '../text/findings';
import type { Range } from '../text/source-location';
import { describeFileSystemError, type FileSystem } from '../workspace/file-system';
import { type JsonObject, JsonSyntaxError, type JsonValue, nodeRange, parseJsonDocument } from '../languages/json/json-document';
import { LineIndex } from '../text/line-index';
import { findRule } from '../rules/index';
import type { SharedHosts } from '../model/deployment';

export const configurationFileName = 'certboot.json';

export type RuleSetting = Severity | 'off';

export const ruleSettings: readonly RuleSetting[] = ['error', 'warning', 'info', 'off'];

export interface LintConfiguration {
  /** Rule id → setting; rules not named keep their default severity. */
  readonly rules: ReadonlyMap<string, RuleSetting>;
  /** `"hosts"`: which compose projects share a Docker host; undefined when the file does not say. */
  readonly sharedHosts?: SharedHosts;
}

export const emptyLintConfiguration: LintConfiguration = { rules: new Map() };

/** A mistake in certboot.json or in the editor's settings. */
export interface ConfigurationProblem {
  /** The configuration file's absolute path, or "settings" for the editor's settings object. */
  readonly source: string;
  /** Where in the file (0-based); absent for settings, which have no text. */
  readonly range?: Range;
  readonly message: string;
}

export interface LoadedLintConfiguration {
  /** Everything that was valid: an editor keeps working with a half-broken file. */
  readonly configuration: LintConfiguration;
  readonly problems: readonly ConfigurationProblem[];
}

function isRuleSetting(value: unknown): value is RuleSetting {
  return typeof value === 'string' && (ruleSettings as readonly string[]).includes(value);
}

const allowedSettingsText = ruleSettings.map((setting) => `"${setting}"`).join(', ');

function describeJsonValue(value: JsonValue): string {
  if (value.kind === 'object' || value.kind === 'array') return `an ${value.kind}`;
  return JSON.stringify(value.value);
}

/** Reads certboot.json text; never throws. */
export function parseLintConfiguration(text: string, file: string): LoadedLintConfiguration {
  const lines = new LineIndex(text);
  const problems: ConfigurationProblem[] = [];
  const problem = (node: { start: number; end: number }, message: string): void => {
    problems.push({ source: file, range: nodeRange(lines, node), message });
  };
  let document: JsonValue;
  try {
    document = parseJsonDocument(text);
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
    problem({ start: error.offset, end: Math.min(error.offset + 1, text.length) }, `invalid JSON: ${error.message}`);
    return { configuration: emptyLintConfiguration, problems };
  }
  if (document.kind !== 'object') {
    problem(document, `expected an object like { "rules": { ... } }, found ${describeJsonValue(document)}`);
    return { configuration: emptyLintConfiguration, problems };
  }
  const rules = new Map<string, RuleSetting>();
  let sharedHosts: SharedHosts | undefined;
  const seenKeys = new Set<string>();
  for (const member of document.members) {
    if (seenKeys.has(member.key)) {
      problem(member.keyNode, `duplicate key "${member.key}"`);
      continue;
    }
    seenKeys.add(member.key);
    // editors add "$schema" to get completion; it carries no setting
    if (member.key === '$schema') continue;
    if (member.key === 'hosts') {
      sharedHosts = readHosts(member.value, posix.dirname(file), problem);
      continue;
    }
    if (member.key !== 'rules') {
      problem(member.keyNode, `unknown key "${member.key}" (the settings are "rules" and "hosts")`);
      continue;
    }
    if (member.value.kind !== 'object') {
      problem(member.value, `"rules" must be an object of rule id → ${allowedSettingsText}, found ${describeJsonValue(member.value)}`);
      continue;
    }
    readRules(member.value, rules, problem);
  }
  return { configuration: sharedHosts ? { rules, sharedHosts } : { rules }, problems };
}

const hostsShape = '"hosts" must be "all" or a list of groups of projects that share a Docker host, like [["site-a", "site-b"]]';

/**
 * `"hosts": "all"` (every compose project of the workspace runs on one Docker host) or
 * `"hosts": [["site-a", "site-b"], ["blog"]]`: groups of projects, each named by its directory
 * (relative to certboot.json) or its compose project name, that share a host; projects in no
 * common group run on different hosts.
 */
function readHosts(value: JsonValue, baseDirectory: string, problem: (node: { start: number; end: number }, message: string) => void): SharedHosts | undefined {
  if (value.kind === 'string' && value.value === 'all') return { all: true, groups: [], baseDirectory };
  if (value.kind !== 'array') {
    problem(value, `${hostsShape}, found ${describeJsonValue(value)}`);
    return undefined;
  }
  const groups: string[][] = [];
  for (const group of value.items) {
    if (group.kind !== 'array' || group.items.some((entry) => entry.kind !== 'string' || entry.value === '')) {
      problem(group, `${hostsShape}: each group is a list of project directories or names, found ${describeJsonValue(group)}`);
      continue;
    }
    groups.push(group.items.map((entry) => (entry.kind === 'string' && typeof entry.value === 'string' ? entry.value : '')));
  }
  return { all: false, groups, baseDirectory };
}

function readRules(object: JsonObject, rules: Map<string, RuleSetting>, problem: (node: { start: number; end: number }, message: string) => void): void {
  for (const { key, keyNode, value } of object.members) {
    if (rules.has(key)) {
      problem(keyNode, `rule "${key}" is set twice`);
      continue;
    }
    if (!findRule(key)) {
      problem(keyNode, `unknown rule "${key}"`);
      continue;
    }
    if (value.kind !== 'string' || !isRuleSetting(value.value)) {
      problem(value, `rule "${key}" must be one of ${allowedSettingsText}, found ${describeJsonValue(value)}`);
      continue;
    }
    rules.set(key, value.value);
  }
}

/**
 * The editor's settings object, same shape as certboot.json. Keys other than "rules" belong to the
 * extension's other settings and are left alone.
 */
export function lintConfigurationFromSettings(settings: unknown): LoadedLintConfiguration {
  const problems: ConfigurationProblem[] = [];
  const rules = new Map<string, RuleSetting>();
  if (typeof settings !== 'object' || settings === null) return { configuration: { rules }, problems };
  const ruleSettingsObject: unknown = (settings as Record<string, unknown>).rules;
  if (ruleSettingsObject === undefined || ruleSettingsObject === null) return { configuration: { rules }, problems };
  if (typeof ruleSettingsObject !== 'object' || Array.isArray(ruleSettingsObject)) {
    problems.push({ source: 'settings', message: `"rules" must be an object of rule id → ${allowedSettingsText}` });
    return { configuration: { rules }, problems };
  }
  for (const [key, value] of Object.entries(ruleSettingsObject as Record<string, unknown>)) {
    if (!findRule(key)) problems.push({ source: 'settings', message: `unknown rule "${key}" in "rules"` });
    else if (!isRuleSetting(value))
      problems.push({ source: 'settings', message: `rule "${key}" must be one of ${allowedSettingsText}, found ${JSON.stringify(value) ?? String(value)}` });
    else rules.set(key, value);
  }
  return { configuration: { rules }, problems };
}

/** The file wins over the editor's settings wherever both set a rule; only the file says which projects share a host. */
export function mergeLintConfigurations(settings: LintConfiguration, file: LintConfiguration): LintConfiguration {
  const rules = new Map([...settings.rules, ...file.rules]);
  return file.sharedHosts ? { rules, sharedHosts: file.sharedHosts } : { rules };
}

/**
 * certboot.json in `directory` or the nearest ancestor, not above `workspaceRoot` (absolute POSIX
 * paths). A directory outside the root finds only its own file.
 */
export function findLintConfigurationFile(fileSystem: FileSystem, directory: string, workspaceRoot: string): string | undefined {
  const root = posix.resolve(workspaceRoot);
  for (let current = posix.resolve(directory); ; current = posix.dirname(current)) {
    const candidate = posix.join(current, configurationFileName);
    if (fileSystem.stat(candidate)?.kind === 'file') return candidate;
    if (current === root || current === posix.dirname(current) || !current.startsWith(root === '/' ? '/' : `${root}/`)) return undefined;
  }
}

export function loadLintConfigurationFile(fileSystem: FileSystem, file: string): LoadedLintConfiguration {
  let bytes: Uint8Array;
  try {
    bytes = fileSystem.readFile(file);
  } catch (error) {
    return { configuration: emptyLintConfiguration, problems: [{ source: file, message: `cannot read the configuration: ${describeFileSystemError(error)}` }] };
  }
  return parseLintConfiguration(new TextDecoder().decode(bytes), file);
}

/** Severity overrides; "off" drops the rule's findings. */
export function applyLintConfiguration(findings: readonly Finding[], configuration: LintConfiguration): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = configuration.rules.get(finding.ruleId);
    if (setting === 'off') continue;
    result.push(setting === undefined || setting === finding.severity ? finding : { ...finding, severity: setting });
  }
  return result;
}
