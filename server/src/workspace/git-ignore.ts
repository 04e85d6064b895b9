import { posix } from 'node:path';
import type { SourceLocation } from '../text/source-location';
import type { FileKind, FileSystem } from './file-system';

/**
 * gitignore(5) semantics, to tell which paths of a working tree a fresh clone would lack.
 *
 * Matching follows git's own algorithm (dir.c and wildmatch.c) rather than a glob library:
 * the corner cases (`**` only special between slashes, `*` never crossing a slash in a
 * pattern that has one, a parent directory's exclusion beating any re-inclusion below it)
 * are exactly where generic glob matchers disagree with git, and a wrong answer here becomes
 * a false "this file will be missing on the server". That includes git's quirks: a pattern with
 * a slash is matched by comparing its literal prefix first and the rest as a pattern of its
 * own, so `a**` followed by `/b` matches `ab`: the `**` starts the rest, where it is a leading
 * `**` that may match no directory at all.
 */

/** One pattern line of a .gitignore file (or of .git/info/exclude). */
export interface IgnoreRule {
  /** The file and the pattern's text on its line, for related-information links. */
  readonly location: SourceLocation;
  /** 1-based, as `git check-ignore -v` prints it and as messages quote it ("`.gitignore:3`"). */
  readonly line: number;
  /** The line as git reads it: trailing unescaped spaces removed, `!` and escapes kept. */
  readonly pattern: string;
  readonly negated: boolean;
}

export interface IgnoreMatch {
  readonly ignored: boolean;
  /**
   * The rule that decided, like `git check-ignore -v`: a negated rule when it re-included the
   * path, undefined when no rule matched at all.
   */
  readonly rule: IgnoreRule | undefined;
  /**
   * The path the rule matched: the path asked about, or the ancestor directory whose
   * exclusion hides everything below it.
   */
  readonly matchedPath: string;
}

interface Pattern {
  /** The pattern bytes with `!`, the trailing `/` and (for anchored patterns) the leading `/` removed. */
  readonly body: Uint8Array;
  readonly negated: boolean;
  readonly directoryOnly: boolean;
  /** No slash: git matches it against the last path component at any depth. */
  readonly basenameOnly: boolean;
  /** Bytes before the first wildcard or backslash, which git compares literally before matching the rest. */
  readonly literalPrefix: number;
  /** Bytes of the path up to and including the slash after the pattern file's directory: anchored patterns match the rest. */
  readonly baseLength: number;
  readonly rule: IgnoreRule;
}

const slash = 0x2f;
const backslash = 0x5c;
const star = 0x2a;
const question = 0x3f;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const exclamation = 0x21;
const caret = 0x5e;
const dash = 0x2d;
const colon = 0x3a;
const hash = 0x23;
const space = 0x20;
const carriageReturn = 0x0d;
const newline = 0x0a;

const encoder = new TextEncoder();

/** A snapshot of a repository's ignore rules: load a new one when an ignore file changes. */
export class GitIgnore {
  /** Patterns of each directory's .gitignore, keyed by directory relative to the root; read on first use. */
  private readonly directoryPatterns = new Map<string, readonly Pattern[]>();
  /** Verdicts for directories: every path below one needs its ancestors' verdicts again. */
  private readonly directoryMatches = new Map<string, IgnoreMatch>();

  private constructor(
    private readonly fileSystem: FileSystem,
    readonly repositoryRoot: string,
    private readonly excludePatterns: readonly Pattern[],
  ) {}

  /**
   * Reads nothing but .git/info/exclude up front: a repository may have thousands of
   * directories, and only the .gitignore files on the way to the paths asked about matter.
   */
  static load(fileSystem: FileSystem, repositoryRoot: string): GitIgnore {
    const root = posix.resolve(repositoryRoot);
    const gitDirectory = posix.join(root, '.git');
    // a `.git` file (worktree, submodule) points elsewhere, usually outside the workspace roots
    const exclude = fileSystem.stat(gitDirectory)?.kind === 'directory' ? readPatterns(fileSystem, posix.join(gitDirectory, 'info', 'exclude'), '') : [];
    return new GitIgnore(fileSystem, root, exclude);
  }

  isIgnored(path: string, kind: FileKind): boolean {
    return this.check(path, kind).ignored;
  }

  /** Paths outside the repository, and the root itself, are never ignored. */
  check(path: string, kind: FileKind): IgnoreMatch {
    const absolute = posix.resolve(path);
    const relative = posix.relative(this.repositoryRoot, absolute);
    if (relative === '' || relative === '..' || relative.startsWith('../')) {
      return { ignored: false, rule: undefined, matchedPath: absolute };
    }
    const parent = posix.dirname(relative);
    if (parent !== '.') {
      const parentMatch = this.checkDirectory(parent);
      // git never descends into an excluded directory, so nothing below it can be re-included
      if (parentMatch.ignored) return parentMatch;
    }
    return this.matchOwn(relative, kind);
  }

  private checkDirectory(relative: string): IgnoreMatch {
    const cached = this.directoryMatches.get(relative);
    if (cached) return cached;
    const parent = posix.dirname(relative);
    const parentMatch = parent === '.' ? undefined : this.checkDirectory(parent);
    const match = parentMatch?.ignored ? parentMatch : this.matchOwn(relative, 'directory');
    this.directoryMatches.set(relative, match);
    return match;
  }

  /** The path's own verdict, assuming no ancestor is excluded. */
  private matchOwn(relative: string, kind: FileKind): IgnoreMatch {
    const matchedPath = posix.join(this.repositoryRoot, relative);
    const path = encoder.encode(relative);
    const basename = path.subarray(path.lastIndexOf(slash) + 1);
    const decide = (patterns: readonly Pattern[]): IgnoreMatch | undefined => {
      // within one file the last matching line wins
      for (let index = patterns.length - 1; index >= 0; index--) {
        const pattern = patterns[index];
        if (patternMatches(pattern, path, basename, kind)) {
          return { ignored: !pattern.negated, rule: pattern.rule, matchedPath };
        }
      }
      return undefined;
    };
    // a deeper .gitignore overrides a shallower one; .git/info/exclude comes last of all
    for (let directory = posix.dirname(relative); ; directory = posix.dirname(directory)) {
      const base = directory === '.' ? '' : directory;
      const match = decide(this.patternsOf(base));
      if (match) return match;
      if (base === '') break;
    }
    return decide(this.excludePatterns) ?? { ignored: false, rule: undefined, matchedPath };
  }

  private patternsOf(base: string): readonly Pattern[] {
    let patterns = this.directoryPatterns.get(base);
    if (!patterns) {
      patterns = readPatterns(this.fileSystem, posix.join(this.repositoryRoot, base, '.gitignore'), base);
      this.directoryPatterns.set(base, patterns);
    }
    return patterns;
  }
}

/** Formats a rule's place the way git check-ignore -v does, relative to the repository root. */
export function describeIgnoreRule(rule: IgnoreRule, repositoryRoot: string): string {
  return `${posix.relative(repositoryRoot, rule.location.file)}:${rule.line}`;
}

function readPatterns(fileSystem: FileSystem, file: string, base: string): Pattern[] {
  if (fileSystem.stat(file)?.kind !== 'file') return [];
  let content: Uint8Array;
  try {
    content = fileSystem.readFile(file);
  } catch {
    // git too warns about an ignore file it cannot read and goes on as if it were empty
    return [];
  }
  return parsePatterns(content, file, base);
}

function parsePatterns(content: Uint8Array, file: string, base: string): Pattern[] {
  const hasByteOrderMark = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf;
  const text = hasByteOrderMark ? content.subarray(3) : content;
  const decoder = new TextDecoder();
  const baseLength = base === '' ? 0 : encoder.encode(base).length + 1;
  const patterns: Pattern[] = [];
  let lineIndex = 0;
  for (let start = 0; start <= text.length; lineIndex++) {
    let end = text.indexOf(newline, start);
    if (end === -1) end = text.length;
    const next = end + 1;
    if (end > start && text[end - 1] === carriageReturn) end--;
    const line = text.subarray(start, trimmedLength(text.subarray(start, end)) + start);
    start = next;
    if (line.length === 0 || line[0] === hash) continue;
    const pattern = parsePattern(line, baseLength, {
      location: {
        file,
        range: { start: { line: lineIndex, character: 0 }, end: { line: lineIndex, character: decoder.decode(line).length } },
      },
      line: lineIndex + 1,
      pattern: decoder.decode(line),
      negated: line[0] === exclamation,
    });
    if (pattern) patterns.push(pattern);
  }
  return patterns;
}

/** Length of a line without its trailing spaces; a space escaped with `\` stays, and so does everything before it. */
function trimmedLength(line: Uint8Array): number {
  let length = 0;
  for (let index = 0; index < line.length; index++) {
    if (line[index] === space) continue;
    if (line[index] === backslash) {
      // a backslash at the very end escapes nothing; git keeps it and keeps the spaces before it
      index++;
      if (index >= line.length) return line.length;
    }
    length = index + 1;
  }
  return length;
}

function parsePattern(line: Uint8Array, baseLength: number, rule: IgnoreRule): Pattern | undefined {
  let body = rule.negated ? line.subarray(1) : line;
  const directoryOnly = body.length > 0 && body[body.length - 1] === slash;
  if (directoryOnly) body = body.subarray(0, body.length - 1);
  // git decides "anchored" before dropping the leading slash: `/foo` matches only at the top
  const basenameOnly = !body.includes(slash);
  if (!basenameOnly && body[0] === slash) body = body.subarray(1);
  // an empty pattern (`!`, `/`) can never match a non-empty name
  if (body.length === 0) return undefined;
  let literalPrefix = 0;
  while (literalPrefix < body.length && !isGlobSpecial(body[literalPrefix])) literalPrefix++;
  return { body, negated: rule.negated, directoryOnly, basenameOnly, literalPrefix, baseLength, rule };
}

function patternMatches(pattern: Pattern, path: Uint8Array, basename: Uint8Array, kind: FileKind): boolean {
  if (pattern.directoryOnly && kind !== 'directory') return false;
  if (pattern.basenameOnly) return wildmatch(pattern.body, basename);
  // an anchored pattern is relative to its .gitignore's directory, which is an ancestor of the path
  const name = path.subarray(pattern.baseLength);
  const prefix = pattern.literalPrefix;
  if (prefix > name.length) return false;
  for (let index = 0; index < prefix; index++) if (pattern.body[index] !== name[index]) return false;
  return wildmatch(pattern.body.subarray(prefix), name.subarray(prefix));
}

const enum Wild {
  Match,
  NoMatch,
  /** No later position of the text can match either: lets every enclosing `*` give up. */
  AbortAll,
  /** A `*` hit a slash: only an enclosing `**` may still match by consuming it. */
  AbortToStarStar,
}

/**
 * git's wildmatch with WM_PATHNAME, on bytes: `?` matches one byte as in git, so a pattern
 * with `?` against a multi-byte UTF-8 name behaves the same here as in a real clone.
 */
export function wildmatch(pattern: Uint8Array, text: Uint8Array): boolean {
  return matchFrom(pattern, 0, text, 0) === Wild.Match;
}

function byteAt(bytes: Uint8Array, index: number): number {
  return index < bytes.length ? bytes[index] : 0;
}

function isGlobSpecial(byte: number): boolean {
  return byte === star || byte === question || byte === openBracket || byte === backslash;
}

function matchFrom(pattern: Uint8Array, patternStart: number, text: Uint8Array, textStart: number): Wild {
  let t = textStart;
  for (let p = patternStart; p < pattern.length; t++, p++) {
    let patternByte = pattern[p];
    let textByte = byteAt(text, t);
    if (t >= text.length && patternByte !== star) return Wild.AbortAll;
    switch (patternByte) {
      case backslash:
        p++;
        // a trailing backslash compares against 0, which no path byte equals
        if (textByte !== byteAt(pattern, p)) return Wild.NoMatch;
        continue;
      case question:
        if (textByte === slash) return Wild.NoMatch;
        continue;
      case star: {
        let matchSlash = false;
        p++;
        if (byteAt(pattern, p) === star) {
          const previous = p - 2;
          while (byteAt(pattern, ++p) === star);
          // `**` is special only as a whole path component; elsewhere it is a plain `*`
          if (
            (previous < patternStart || pattern[previous] === slash) &&
            (p >= pattern.length || pattern[p] === slash || (pattern[p] === backslash && byteAt(pattern, p + 1) === slash))
          ) {
            // `a/**/b` also matches `a/b`: let the `**/` match nothing first
            if (pattern[p] === slash && matchFrom(pattern, p + 1, text, t) === Wild.Match) return Wild.Match;
            matchSlash = true;
          }
        }
        if (p >= pattern.length) {
          return matchSlash || !text.subarray(t).includes(slash) ? Wild.Match : Wild.NoMatch;
        }
        if (!matchSlash && pattern[p] === slash) {
          // a lone `*` before a slash matches exactly the rest of one component
          const nextSlash = text.indexOf(slash, t);
          if (nextSlash === -1) return Wild.NoMatch;
          t = nextSlash;
          break;
        }
        for (;;) {
          if (t >= text.length) break;
          if (!isGlobSpecial(pattern[p])) {
            // the text up to the next occurrence of the literal belongs to the star
            patternByte = pattern[p];
            while (t < text.length && (matchSlash || text[t] !== slash) && text[t] !== patternByte) t++;
            if (byteAt(text, t) !== patternByte) return Wild.NoMatch;
          }
          textByte = text[t];
          const matched = matchFrom(pattern, p, text, t);
          if (matched !== Wild.NoMatch) {
            if (!matchSlash || matched !== Wild.AbortToStarStar) return matched;
          } else if (!matchSlash && textByte === slash) {
            return Wild.AbortToStarStar;
          }
          t++;
        }
        return Wild.AbortAll;
      }
      case openBracket: {
        patternByte = byteAt(pattern, ++p);
        if (patternByte === caret) patternByte = exclamation;
        const negated = patternByte === exclamation;
        if (negated) patternByte = byteAt(pattern, ++p);
        let previousByte = 0;
        let matched = false;
        do {
          if (p >= pattern.length) return Wild.AbortAll;
          if (patternByte === backslash) {
            patternByte = byteAt(pattern, ++p);
            if (p >= pattern.length) return Wild.AbortAll;
            if (textByte === patternByte) matched = true;
          } else if (patternByte === dash && previousByte !== 0 && p + 1 < pattern.length && pattern[p + 1] !== closeBracket) {
            patternByte = pattern[++p];
            if (patternByte === backslash) {
              patternByte = byteAt(pattern, ++p);
              if (p >= pattern.length) return Wild.AbortAll;
            }
            if (textByte <= patternByte && textByte >= previousByte) matched = true;
            // a range's end cannot start another range
            patternByte = 0;
          } else if (patternByte === openBracket && byteAt(pattern, p + 1) === colon) {
            const nameStart = p + 2;
            p = nameStart;
            while (p < pattern.length && pattern[p] !== closeBracket) p++;
            if (p >= pattern.length) return Wild.AbortAll;
            if (p - nameStart - 1 < 0 || pattern[p - 1] !== colon) {
              // no closing `:]`: the `[` was an ordinary member of the set
              p = nameStart - 2;
              patternByte = openBracket;
              if (textByte === patternByte) matched = true;
            } else {
              const test = characterClasses.get(String.fromCharCode(...pattern.subarray(nameStart, p - 1)));
              if (!test) return Wild.AbortAll;
              if (test(textByte)) matched = true;
              patternByte = 0;
            }
          } else if (textByte === patternByte) {
            matched = true;
          }
          previousByte = patternByte;
          patternByte = byteAt(pattern, ++p);
        } while (patternByte !== closeBracket);
        if (matched === negated || textByte === slash) return Wild.NoMatch;
        continue;
      }
      default:
        if (textByte !== patternByte) return Wild.NoMatch;
        continue;
    }
  }
  return t < text.length ? Wild.NoMatch : Wild.Match;
}

const isDigit = (byte: number) => byte >= 0x30 && byte <= 0x39;
const isUpper = (byte: number) => byte >= 0x41 && byte <= 0x5a;
const isLower = (byte: number) => byte >= 0x61 && byte <= 0x7a;
const isAlpha = (byte: number) => isUpper(byte) || isLower(byte);
const isPrint = (byte: number) => byte >= 0x20 && byte <= 0x7e;
const isSpace = (byte: number) => byte === space || (byte >= 0x09 && byte <= 0x0d);
const isAlnum = (byte: number) => isAlpha(byte) || isDigit(byte);

/** POSIX classes in the C locale, as wildmatch tests them (non-ASCII bytes belong to none). */
const characterClasses = new Map<string, (byte: number) => boolean>([
  ['alnum', isAlnum],
  ['alpha', isAlpha],
  ['blank', (byte) => byte === space || byte === 0x09],
  ['cntrl', (byte) => byte < 0x20 || byte === 0x7f],
  ['digit', isDigit],
  ['graph', (byte) => isPrint(byte) && byte !== space],
  ['lower', isLower],
  ['print', isPrint],
  ['punct', (byte) => isPrint(byte) && byte !== space && !isAlnum(byte)],
  ['space', isSpace],
  ['upper', isUpper],
  ['xdigit', (byte) => isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)],
]);
