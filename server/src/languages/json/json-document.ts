import type { LineIndex } from '../../text/line-index';
import type { Range } from '../../text/source-location';

/**
 * A strict JSON (RFC 8259) reader that keeps the offsets of every key and value, so a mistake in
 * certboot.json can be reported at its line and column. JSON.parse gives neither.
 */
export type JsonValue = JsonObject | JsonArray | JsonScalar;

export interface JsonNode {
  /** UTF-16 offsets into the text, end exclusive. */
  readonly start: number;
  readonly end: number;
}

export interface JsonMember {
  readonly key: string;
  readonly keyNode: JsonNode;
  readonly value: JsonValue;
}

export interface JsonObject extends JsonNode {
  readonly kind: 'object';
  readonly members: readonly JsonMember[];
}

export interface JsonArray extends JsonNode {
  readonly kind: 'array';
  readonly items: readonly JsonValue[];
}

export interface JsonScalar extends JsonNode {
  readonly kind: 'string' | 'number' | 'boolean' | 'null';
  readonly value: string | number | boolean | null;
}

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

const escapes: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class JsonReader {
  private offset = 0;

  constructor(private readonly text: string) {
    // editors on Windows save JSON with a byte order mark; JSON.parse rejects it, people do not
    if (text.charCodeAt(0) === 0xfeff) this.offset = 1;
  }

  readDocument(): JsonValue {
    const value = this.readValue();
    this.skipSpace();
    if (this.offset < this.text.length) throw this.unexpected();
    return value;
  }

  private readValue(): JsonValue {
    this.skipSpace();
    const character = this.text[this.offset];
    const start = this.offset;
    switch (character) {
      case '{':
        return this.readObject();
      case '[':
        return this.readArray();
      case '"':
        return { kind: 'string', value: this.readString(), start, end: this.offset };
      case 't':
        return this.readLiteral('true', true);
      case 'f':
        return this.readLiteral('false', false);
      case 'n':
        return this.readLiteral('null', null);
      default:
        if (character === '-' || (character >= '0' && character <= '9')) return this.readNumber();
        throw this.unexpected();
    }
  }

  private readObject(): JsonObject {
    const start = this.offset++;
    const members: JsonMember[] = [];
    this.skipSpace();
    if (this.text[this.offset] === '}') {
      this.offset++;
      return { kind: 'object', members, start, end: this.offset };
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.offset] !== '"') throw this.unexpected('a property name in double quotes');
      const keyStart = this.offset;
      const key = this.readString();
      const keyNode = { start: keyStart, end: this.offset };
      this.skipSpace();
      if (this.text[this.offset] !== ':') throw this.unexpected('":"');
      this.offset++;
      members.push({ key, keyNode, value: this.readValue() });
      this.skipSpace();
      const separator = this.text[this.offset];
      this.offset++;
      if (separator === '}') return { kind: 'object', members, start, end: this.offset };
      if (separator !== ',') {
        this.offset--;
        throw this.unexpected('"," or "}"');
      }
    }
  }

  private readArray(): JsonArray {
    const start = this.offset++;
    const items: JsonValue[] = [];
    this.skipSpace();
    if (this.text[this.offset] === ']') {
      this.offset++;
      return { kind: 'array', items, start, end: this.offset };
    }
    for (;;) {
      items.push(this.readValue());
      this.skipSpace();
      const separator = this.text[this.offset];
      this.offset++;
      if (separator === ']') return { kind: 'array', items, start, end: this.offset };
      if (separator !== ',') {
        this.offset--;
        throw this.unexpected('"," or "]"');
      }
    }
  }

  private readString(): string {
    const text = this.text;
    this.offset++;
    let value = '';
    for (;;) {
      if (this.offset >= text.length) throw new JsonSyntaxError('unterminated string', this.offset);
      const character = text[this.offset];
      if (character === '"') {
        this.offset++;
        return value;
      }
      if (character.charCodeAt(0) < 0x20) throw new JsonSyntaxError('control character in string', this.offset);
      if (character !== '\\') {
        value += character;
        this.offset++;
        continue;
      }
      const escape = text[this.offset + 1];
      if (escape === 'u') {
        const hex = text.slice(this.offset + 2, this.offset + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError('invalid \\u escape', this.offset);
        value += String.fromCharCode(parseInt(hex, 16));
        this.offset += 6;
      } else if (escape !== undefined && escape in escapes) {
        value += escapes[escape];
        this.offset += 2;
      } else {
        throw new JsonSyntaxError('invalid escape in string', this.offset);
      }
    }
  }

  private readNumber(): JsonScalar {
    const match = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
    match.lastIndex = this.offset;
    const found = match.exec(this.text);
    if (!found) throw this.unexpected();
    const start = this.offset;
    this.offset += found[0].length;
    return { kind: 'number', value: Number(found[0]), start, end: this.offset };
  }

  private readLiteral(word: string, value: boolean | null): JsonScalar {
    if (!this.text.startsWith(word, this.offset)) throw this.unexpected();
    const start = this.offset;
    this.offset += word.length;
    return { kind: value === null ? 'null' : 'boolean', value, start, end: this.offset };
  }

  private skipSpace(): void {
    while (this.offset < this.text.length && ' \t\n\r'.includes(this.text[this.offset])) this.offset++;
  }

  private unexpected(expected?: string): JsonSyntaxError {
    const found = this.offset >= this.text.length ? 'end of file' : JSON.stringify(String.fromCodePoint(this.text.codePointAt(this.offset) ?? 0));
    return new JsonSyntaxError(expected ? `expected ${expected}, found ${found}` : `unexpected ${found}`, this.offset);
  }
}

/** Throws JsonSyntaxError with the offset of the first mistake. */
export function parseJsonDocument(text: string): JsonValue {
  return new JsonReader(text).readDocument();
}

/** The range of a node in its document's text. */
export function nodeRange(lines: LineIndex, node: JsonNode): Range {
  return lines.rangeAt(node.start, node.end);
}
