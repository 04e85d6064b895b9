import { pathToFileURL } from 'node:url';
import type { FileEdit, Finding, Severity } from '../text/findings';
import type { Range, SourceLocation } from '../text/source-location';
import { relativeFilePath } from '../text/paths';
import { type FormatOptions, sortFindings } from './report-order';
import { findRule, rules } from '../rules/index';
import type { RuleDeclaration } from '../rules/rule';
import { readRulePage } from './rule-pages';

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: every rule of the registry with id, short and full
 * description, help (its page as markdown), default level and, as properties, its category (also as a tag), scope and
 * whether it fixes; every result with a location whose region has all four of startLine,
 * startColumn, endLine and endColumn.
 *
 * Columns: SARIF counts lines and columns from 1 and its endColumn is the column after the last
 * character, so a 0-based LSP character c becomes column c + 1 at both ends. The run declares
 * `columnKind: "utf16CodeUnits"`, the unit certboot's positions are in, rather than leaving
 * consumers to guess.
 *
 * Paths are relative to the working directory under the base id %SRCROOT%, which
 * `originalUriBaseIds` maps to that directory. No partialFingerprints: GitHub's upload action
 * computes them from the files.
 */
export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

type SarifLevel = 'error' | 'warning' | 'note';

const levels: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };

interface SarifRegion {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

interface SarifArtifactLocation {
  readonly uri: string;
  readonly uriBaseId: '%SRCROOT%';
}

interface SarifLocation {
  readonly physicalLocation: { readonly artifactLocation: SarifArtifactLocation; readonly region: SarifRegion };
  readonly message?: { readonly text: string };
}

interface SarifReplacement {
  readonly deletedRegion: SarifRegion;
  readonly insertedContent: { readonly text: string };
}

interface SarifFix {
  readonly description: { readonly text: string };
  readonly artifactChanges: readonly { readonly artifactLocation: SarifArtifactLocation; readonly replacements: readonly SarifReplacement[] }[];
}

interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly fullDescription: { readonly text: string };
  readonly help: { readonly text: string; readonly markdown?: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties?: {
    readonly tags: readonly string[];
    readonly category: string;
    readonly scope: string;
    readonly fixable: string;
  };
}

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly SarifLocation[];
  readonly relatedLocations?: readonly (SarifLocation & { readonly id: number })[];
  readonly fixes?: readonly SarifFix[];
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: '2.1.0';
  readonly runs: readonly [
    {
      readonly tool: { readonly driver: { readonly name: 'certboot'; readonly rules: readonly SarifRule[] } };
      readonly originalUriBaseIds: { readonly '%SRCROOT%': { readonly uri: string } };
      readonly columnKind: 'utf16CodeUnits';
      readonly results: readonly SarifResult[];
    },
  ];
}

function region(range: Range): SarifRegion {
  return { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 };
}

/** A relative URI reference: each path segment percent-encoded, slashes kept. */
function relativeUri(file: string, cwd: string): string {
  return relativeFilePath(file, cwd).split('/').map(encodeURIComponent).join('/');
}

/** file:///… with a trailing slash, as SARIF requires of a base URI. */
function directoryUri(directory: string): string {
  const href = pathToFileURL(directory).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * The rule pages ship inside the certboot package and have no public address for a helpUri, so
 * the help carries the page itself as markdown, which GitHub code scanning shows beside an alert.
 */
function sarifRule(id: string, summary: string, severity: Severity): SarifRule {
  const page = readRulePage(id);
  return {
    id,
    name: id,
    shortDescription: { text: summary },
    fullDescription: { text: summary },
    help: { text: `${summary}. The rule's page is docs/rules/${id}.md in the certboot package.`, ...(page === undefined ? {} : { markdown: page }) },
    defaultConfiguration: { level: levels[severity] },
  };
}

function describeRule(rule: RuleDeclaration): SarifRule {
  return {
    ...sarifRule(rule.id, rule.summary, rule.defaultSeverity),
    properties: { tags: [rule.category], category: rule.category, scope: rule.scope, fixable: rule.fixable },
  };
}

export function toSarifLog(findings: readonly Finding[], cwd: string): SarifLog {
  const sorted = sortFindings(findings, cwd);
  const descriptions = rules.map(describeRule);
  for (const finding of sorted) {
    if (!findRule(finding.ruleId) && !descriptions.some((description) => description.id === finding.ruleId)) {
      descriptions.push(sarifRule(finding.ruleId, finding.ruleId, finding.severity));
    }
  }
  const ruleIndex = new Map(descriptions.map((description, index) => [description.id, index]));
  const artifact = (file: string): SarifArtifactLocation => ({ uri: relativeUri(file, cwd), uriBaseId: '%SRCROOT%' });
  const location = (place: SourceLocation): SarifLocation['physicalLocation'] => ({ artifactLocation: artifact(place.file), region: region(place.range) });
  const fix = (title: string, edits: readonly FileEdit[]): SarifFix => {
    const byFile = new Map<string, SarifReplacement[]>();
    for (const edit of edits) {
      // a new file is an insertion at the start of an empty artifact
      const replacement: SarifReplacement =
        edit.kind === 'create'
          ? { deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 }, insertedContent: { text: edit.content } }
          : { deletedRegion: region(edit.range), insertedContent: { text: edit.newText } };
      byFile.set(edit.file, [...(byFile.get(edit.file) ?? []), replacement]);
    }
    return {
      description: { text: title },
      artifactChanges: [...byFile].map(([file, replacements]) => ({ artifactLocation: artifact(file), replacements })),
    };
  };
  const results = sorted.map(
    (finding): SarifResult => ({
      ruleId: finding.ruleId,
      ruleIndex: ruleIndex.get(finding.ruleId) ?? 0,
      level: levels[finding.severity],
      message: { text: finding.message },
      locations: [{ physicalLocation: location(finding.location) }],
      ...(finding.related.length > 0
        ? {
            relatedLocations: finding.related.map((related, index) => ({
              id: index + 1,
              physicalLocation: location(related),
              message: { text: related.message },
            })),
          }
        : {}),
      ...(finding.fixes.length > 0 ? { fixes: finding.fixes.map((candidate) => fix(candidate.title, candidate.edits)) } : {}),
    }),
  );
  return {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'certboot', rules: descriptions } },
        originalUriBaseIds: { '%SRCROOT%': { uri: directoryUri(cwd) } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

export function formatSarif(findings: readonly Finding[], options: FormatOptions): string {
  return `${JSON.stringify(toSarifLog(findings, options.cwd), null, 2)}\n`;
}
