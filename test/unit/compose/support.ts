import type { Range, SourceLocation } from '../../../server/src/languages/compose/source-location';

export function range(startLine: number, startCharacter: number, endLine: number, endCharacter: number): Range {
  return { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } };
}

/** A location on one line, the way most YAML scalars sit. */
export function at(file: string, line: number, startCharacter: number, endCharacter: number): SourceLocation {
  return { file, range: range(line, startCharacter, line, endCharacter) };
}
