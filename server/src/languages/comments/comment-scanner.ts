import { posix } from 'node:path';
import { Lexer } from 'yaml';
import { NginxLexer, TokenKind } from '../nginx/lexer';

export type CommentSyntax = 'nginx' | 'yaml';

export interface ScannedComment {
  /** 0-based line; a comment never spans lines in either syntax. */
  readonly line: number;
  readonly startCharacter: number;
  readonly endCharacter: number;
  /** Including the leading "#". */
  readonly text: string;
}

/**
 * The comments of a file and where its other tokens lie, from each language's own tokenizer: a "#"
 * inside a quoted YAML scalar, a block scalar or an nginx word is not a comment.
 */
export interface ScannedText {
  readonly comments: readonly ScannedComment[];
  /**
   * For every line that holds part of a token other than a comment, the first line of the
   * outermost token covering it: a line inside a multi-line quoted string or block scalar belongs
   * to the line the token starts on.
   */
  readonly logicalLineStart: ReadonlyMap<number, number>;
  /** For every line a token starts on, the last line that belongs to it. */
  readonly logicalLineEnd: ReadonlyMap<number, number>;
}

const yamlExtensions = ['.yml', '.yaml'];
const otherLanguageExtensions = ['.sh', '.bash', '.tf', '.tfvars', '.hcl', '.json', '.md', '.txt', '.env', '.py', '.js', '.ts'];

/**
 * Which comment syntax a file a finding points at uses: YAML by extension, no suppressions for
 * shell scripts, Terraform and the like, nginx for the rest (nginx files have any name:
 * sites-available/example.com, mime.types, *.conf.template).
 */
export function commentSyntaxOf(path: string): CommentSyntax | undefined {
  const extension = posix.extname(path).toLowerCase();
  if (yamlExtensions.includes(extension)) return 'yaml';
  if (otherLanguageExtensions.includes(extension)) return undefined;
  return 'nginx';
}

/**
 * Whether a file found while walking a linted directory is a configuration that may hold
 * suppressions, judged like the extension's language associations (compose YAML and the nginx
 * file patterns), so a README that quotes a suppression comment is not mistaken for one.
 */
export function isConfigurationFileName(path: string): boolean {
  const extension = posix.extname(path).toLowerCase();
  if (yamlExtensions.includes(extension)) return true;
  const name = posix.basename(path);
  const directory = posix.basename(posix.dirname(path));
  return extension === '.conf' || extension === '.nginx' || name.endsWith('.conf.template') || directory === 'sites-available' || directory === 'sites-enabled';
}

class LineOwnership {
  readonly logicalLineStart = new Map<number, number>();
  readonly logicalLineEnd = new Map<number, number>();

  add(startLine: number, endLine: number): void {
    for (let line = startLine; line <= endLine; line++) {
      const owner = Math.min(this.logicalLineStart.get(line) ?? line, startLine);
      this.logicalLineStart.set(line, owner);
      this.logicalLineEnd.set(owner, Math.max(this.logicalLineEnd.get(owner) ?? owner, endLine));
    }
  }
}

/** A comment ends before the CR of a CRLF line break: removing or rewriting it must keep the pair whole. */
function comment(line: number, startCharacter: number, token: string): ScannedComment {
  const text = token.endsWith('\r') ? token.slice(0, -1) : token;
  return { line, startCharacter, endCharacter: startCharacter + text.length, text };
}

function scanNginx(text: string): ScannedText {
  const comments: ScannedComment[] = [];
  const ownership = new LineOwnership();
  const lexer = new NginxLexer(text);
  while (lexer.next() !== TokenKind.End) {
    if (lexer.kind === TokenKind.Comment) {
      comments.push(comment(lexer.startLine, lexer.startCharacter, lexer.value));
    } else {
      ownership.add(lexer.startLine, lexer.endLine);
    }
  }
  return { comments, logicalLineStart: ownership.logicalLineStart, logicalLineEnd: ownership.logicalLineEnd };
}

/** The yaml lexer's markers for a document, a scalar and a flow error carry no source text. */
const scalarMarker = '\u001f';
const zeroWidthYamlTokens = new Set(['\u0002', scalarMarker, '\u0018']);

function scanYaml(text: string): ScannedText {
  const comments: ScannedComment[] = [];
  const ownership = new LineOwnership();
  let line = 0;
  let character = 0;
  // a block scalar's body comes as its own token after the header's newline; it belongs to the header's line
  let blockScalarHeaderLine: number | undefined;
  let expectingBlockScalarBody = false;
  for (const token of new Lexer().lex(text)) {
    if (zeroWidthYamlTokens.has(token)) {
      if (token === scalarMarker && blockScalarHeaderLine !== undefined) expectingBlockScalarBody = true;
      continue;
    }
    const startLine = line;
    const startCharacter = character;
    for (let index = token.indexOf('\n'); index >= 0; index = token.indexOf('\n', index + 1)) {
      line++;
      character = token.length - index - 1;
    }
    if (line === startLine) character += token.length;
    const contentEndLine = token.endsWith('\n') ? line - 1 : line;
    if (expectingBlockScalarBody && blockScalarHeaderLine !== undefined) {
      if (token !== '') ownership.add(blockScalarHeaderLine, contentEndLine);
      expectingBlockScalarBody = false;
      blockScalarHeaderLine = undefined;
    } else if (token.startsWith('#')) {
      comments.push(comment(startLine, startCharacter, token));
    } else if (token.trim() !== '' && token !== '\uFEFF') {
      ownership.add(startLine, contentEndLine);
      if (token.startsWith('|') || token.startsWith('>')) blockScalarHeaderLine = startLine;
    }
  }
  return { comments, logicalLineStart: ownership.logicalLineStart, logicalLineEnd: ownership.logicalLineEnd };
}

export function scanComments(text: string, syntax: CommentSyntax): ScannedText {
  return syntax === 'yaml' ? scanYaml(text) : scanNginx(text);
}
