import type { Finding, Fix, RelatedLocation, Severity } from '../../../server/src/text/findings';
import type { Range } from '../../../server/src/text/source-location';

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

export function finding(
  ruleId: string,
  severity: Severity,
  file: string,
  at: Range,
  message: string,
  extra: { related?: RelatedLocation[]; fixes?: Fix[] } = {},
): Finding {
  return { ruleId, severity, message, location: { file, range: at }, related: extra.related ?? [], fixes: extra.fixes ?? [] };
}
