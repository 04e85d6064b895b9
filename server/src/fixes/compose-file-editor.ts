import { isMap, isScalar, isSeq, parseDocument, type Node, type Pair, visit, type YAMLMap, type YAMLSeq } from 'yaml';
import type { ComposeDocument } from '../languages/compose/model';
import { positionAt } from '../text/line-index';
import type { FileEdit } from '../text/findings';
import type { SourceTexts } from '../inventory/inventory';
import { applyFileEdits } from './apply-edits';

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEndOf(text: string, offset: number): number {
  const end = text.indexOf('\n', offset);
  return end < 0 ? text.length : end + 1;
}

/** The offset where the last line of a node ends (after its line break). */
function endOfNodeLines(text: string, node: Node | null | undefined, fallback: number): number {
  const range = node?.range;
  return lineEndOf(text, range ? Math.max(range[1] - 1, range[0]) : fallback);
}

/** What the editor throws when the file is not shaped so that it can make an edit (a flow mapping, a key that is no list). */
export class ComposeEditError extends Error {}

/**
 * Text edits to one compose file, made with the YAML parser's ranges so that comments, quoting
 * and indentation stay as written: keys and list items are whole lines, inserted with the
 * indentation of their neighbours. The edited text is parsed again before it is handed out.
 */
export class ComposeFileEditor {
  private readonly changes: { start: number; end: number; text: string }[] = [];

  constructor(
    readonly document: ComposeDocument,
    readonly text: string,
    /** Makes the error thrown when an edit cannot be made (the bootstrap's own, for its callers). */
    private readonly failure: (message: string) => Error = (message) => new ComposeEditError(message),
  ) {}

  private services(): YAMLMap | undefined {
    const services = this.document.document.get('services', true);
    return isMap(services) ? services : undefined;
  }

  private servicePair(name: string): Pair | undefined {
    return this.services()?.items.find((pair) => isScalar(pair.key) && pair.key.value === name);
  }

  private serviceMap(name: string): YAMLMap | undefined {
    const value = this.servicePair(name)?.value;
    return isMap(value) && !value.flow ? value : undefined;
  }

  private pair(service: string, key: string): Pair | undefined {
    return this.serviceMap(service)?.items.find((pair) => isScalar(pair.key) && pair.key.value === key);
  }

  private column(offset: number): number {
    return offset - lineStartOf(this.text, offset);
  }

  private keyIndentation(service: string): string | undefined {
    const first = this.serviceMap(service)?.items[0]?.key;
    const start = isScalar(first) ? first.range?.[0] : undefined;
    return start === undefined ? undefined : ' '.repeat(this.column(start));
  }

  /**
   * How far a new block list's `-` stands past its key: as far as the file's own block lists
   * stand past theirs (0 for lists written flush with their key), else one step of the
   * service's mapping.
   */
  private listIndentation(service: string): number {
    let found: number | undefined;
    visit(this.document.document, {
      Pair: (_key, pair) => {
        const value = pair.value;
        const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
        if (!isSeq(value) || value.flow || value.items.length === 0 || !value.range || keyStart === undefined) return undefined;
        found = this.column(value.range[0]) - this.column(keyStart);
        return visit.BREAK;
      },
    });
    if (found !== undefined && found >= 0) return found;
    const serviceKey = this.servicePair(service)?.key;
    const serviceStart = isScalar(serviceKey) ? serviceKey.range?.[0] : undefined;
    const keys = this.keyIndentation(service);
    if (serviceStart === undefined || keys === undefined) return 2;
    return keys.length - this.column(serviceStart) || 2;
  }

  private insert(offset: number, text: string): void {
    // a file without a final line break gets one, once
    const atEnd = offset === this.text.length && !this.text.endsWith('\n') && offset > 0;
    const separator = atEnd && !this.changes.some((change) => change.start === offset) ? '\n' : '';
    this.changes.push({ start: offset, end: offset, text: separator + text });
  }

  /** Whether the service is defined in this file as a block mapping the editor can change. */
  defines(service: string): boolean {
    return this.serviceMap(service) !== undefined;
  }

  has(service: string, key: string): boolean {
    return this.pair(service, key) !== undefined;
  }

  /** Removes a key and its value; `comment` names the text of a comment line right above it that goes too. */
  removeKey(service: string, key: string, comment?: string): void {
    const pair = this.pair(service, key);
    const start = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
    if (!pair || start === undefined) return;
    let lineStart = lineStartOf(this.text, start);
    if (comment !== undefined && lineStart > 0) {
      const previous = lineStartOf(this.text, lineStart - 1);
      if (this.text.slice(previous, lineStart).trim() === `# ${comment}`) lineStart = previous;
    }
    this.changes.push({ start: lineStart, end: endOfNodeLines(this.text, pair.value as Node | null, start), text: '' });
  }

  /**
   * Sets `key: value` (value as YAML text on the key's line), replacing the value in place, or
   * adding the key after the first of `after` the service has, else at its end.
   */
  setValue(service: string, key: string, value: string, after: readonly string[] = [], comment?: string): void {
    const pair = this.pair(service, key);
    const keyEnd = isScalar(pair?.key) ? pair.key.range?.[1] : undefined;
    if (pair && keyEnd !== undefined) {
      const valueRange = (pair.value as Node | null)?.range;
      this.changes.push({ start: keyEnd, end: valueRange ? valueRange[1] : keyEnd + 1, text: `: ${value}` });
      return;
    }
    this.insertKey(service, `${key}: ${value}`, after, comment);
  }

  private insertKey(service: string, line: string, after: readonly string[], comment?: string): void {
    const map = this.serviceMap(service);
    const indentation = this.keyIndentation(service);
    if (!map || indentation === undefined) throw this.failure(`service \`${service}\` is not a block mapping in ${this.document.file}`);
    const anchor = after.map((key) => this.pair(service, key)).find((pair) => pair !== undefined) ?? map.items.at(-1);
    const anchorKey = anchor && isScalar(anchor.key) ? anchor.key.range?.[0] : undefined;
    const offset = endOfNodeLines(this.text, anchor?.value as Node | null, anchorKey ?? 0);
    const commentLine = comment === undefined ? '' : `${indentation}# ${comment}\n`;
    this.insert(offset, `${commentLine}${indentation}${line}\n`);
  }

  /** Appends items (YAML text) to a list of the service, creating the key after `after` when missing. */
  appendItems(service: string, key: string, items: readonly string[], after: readonly string[] = []): void {
    if (items.length === 0) return;
    const value = this.pair(service, key)?.value;
    if (isSeq(value) && value.flow && value.range) {
      const close = this.text.lastIndexOf(']', value.range[1]);
      this.changes.push({ start: close, end: close, text: `${value.items.length > 0 ? ', ' : ''}${items.join(', ')}` });
      return;
    }
    if (isSeq(value) && value.range) {
      const itemIndentation = ' '.repeat(this.column(value.range[0]));
      this.insert(endOfNodeLines(this.text, value, value.range[0]), items.map((item) => `${itemIndentation}- ${item}\n`).join(''));
      return;
    }
    if (this.has(service, key)) throw this.failure(`\`${key}\` of service \`${service}\` is not a list in ${this.document.file}`);
    const itemIndentation = (this.keyIndentation(service) ?? '') + ' '.repeat(this.listIndentation(service));
    this.insertKey(service, `${key}:\n${items.map((item) => `${itemIndentation}- ${item}`).join('\n')}`, after);
  }

  /** Removes the items of a list that `remove` selects; the key too when none is left. */
  removeItems(service: string, key: string, remove: (item: unknown) => boolean): void {
    const value = this.pair(service, key)?.value;
    if (!isSeq(value)) return;
    const items = (value as YAMLSeq).items as Node[];
    const removed = items.filter((item) => remove(isScalar(item) ? item.value : item.toJSON()));
    if (removed.length === 0) return;
    if (removed.length === items.length || value.flow) {
      const kept = items.filter((item) => !removed.includes(item));
      if (kept.length === 0) this.removeKey(service, key);
      else this.setValue(service, key, `[${kept.map((item) => (item.range ? this.text.slice(item.range[0], item.range[1]) : '')).join(', ')}]`);
      return;
    }
    for (const item of removed) {
      if (!item.range) continue;
      this.changes.push({ start: lineStartOf(this.text, item.range[0]), end: endOfNodeLines(this.text, item, item.range[0]), text: '' });
    }
  }

  /** Appends a service (its body as lines of `key: value` YAML, indented one level) at the end of `services`. */
  appendService(name: string, body: readonly string[]): void {
    const services = this.services();
    const last = services?.items.at(-1);
    const lastKey = last && isScalar(last.key) ? last.key.range?.[0] : undefined;
    if (!services || services.flow || lastKey === undefined) throw this.failure(`\`services\` is not a block mapping in ${this.document.file}`);
    const serviceIndentation = ' '.repeat(this.column(lastKey));
    const step = (this.keyIndentation(String((last!.key as { value: unknown }).value)) ?? `${serviceIndentation}  `).slice(serviceIndentation.length) || '  ';
    const lines = body.map((line) => (line === '' ? '' : `${serviceIndentation}${step}${line.replace(/^( +)/, (spaces) => step.repeat(spaces.length / 2))}`));
    this.insert(endOfNodeLines(this.text, last?.value as Node | null, lastKey), `\n${serviceIndentation}${name}:\n${lines.join('\n')}\n`);
  }

  /**
   * Declares a named volume under the top-level `volumes` (created at the end of the file when
   * missing), with the indentation the file gives its services; nothing when it is declared.
   */
  declareVolume(name: string): void {
    const root = this.document.document.contents;
    if (!isMap(root) || root.flow) throw this.failure(`the top level of ${this.document.file} is not a block mapping`);
    const firstService = this.services()?.items[0]?.key;
    const serviceStart = isScalar(firstService) ? firstService.range?.[0] : undefined;
    const step = serviceStart === undefined ? '  ' : ' '.repeat(this.column(serviceStart)) || '  ';
    const pair = root.items.find((item) => isScalar(item.key) && item.key.value === 'volumes');
    if (!pair) {
      this.insert(this.text.length, `volumes:\n${step}${name}:\n`);
      return;
    }
    const value = pair.value as Node | null;
    if (isMap(value) && value.items.some((item) => isScalar(item.key) && item.key.value === name)) return;
    if (isMap(value) && value.flow && value.range) {
      const close = this.text.lastIndexOf('}', value.range[1]);
      this.changes.push({ start: close, end: close, text: `${value.items.length > 0 ? ', ' : ''}${name}: {}` });
      return;
    }
    const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    if (isMap(value) && value.range) {
      const first = value.items[0]?.key;
      const start = isScalar(first) ? first.range?.[0] : undefined;
      const indentation = start === undefined ? step : ' '.repeat(this.column(start));
      this.insert(endOfNodeLines(this.text, value, value.range[0]), `${indentation}${name}:\n`);
      return;
    }
    const empty = value === null || (isScalar(value) && (value.value === null || value.value === ''));
    if (!empty || keyStart === undefined) throw this.failure(`the top-level \`volumes\` of ${this.document.file} is not a mapping`);
    this.insert(lineEndOf(this.text, keyStart), `${step}${name}:\n`);
  }

  /** The edits, after checking that the edited file is still YAML compose can read. */
  edits(): FileEdit[] {
    if (this.changes.length === 0) return [];
    const edits: FileEdit[] = this.changes.map((change) => ({
      kind: 'replace',
      file: this.document.file,
      range: { start: positionAt(this.text, change.start), end: positionAt(this.text, change.end) },
      newText: change.text,
    }));
    const [edited] = applyFileEdits(edits, () => this.text);
    const parsed = parseDocument(edited?.after ?? '');
    if (parsed.errors.length > 0) throw this.failure(`the edit of ${this.document.file} would not be valid YAML: ${parsed.errors[0]?.message ?? ''}`);
    return edits;
  }
}

/**
 * The edits `change` makes through an editor of the compose file that defines `service` (where its
 * name stands); undefined when the file cannot be read or is not shaped for the edit.
 */
export function composeServiceEdits(
  texts: SourceTexts,
  documents: readonly ComposeDocument[],
  service: { readonly name: string; readonly nameLocation: { readonly file: string } },
  change: (editor: ComposeFileEditor) => void,
): FileEdit[] | undefined {
  const file = service.nameLocation.file;
  const document = documents.find((candidate) => candidate.file === file);
  const text = texts.text(file);
  if (!document || text === undefined) return undefined;
  const editor = new ComposeFileEditor(document, text);
  if (!editor.defines(service.name)) return undefined;
  try {
    change(editor);
    return editor.edits();
  } catch (error) {
    if (error instanceof ComposeEditError) return undefined;
    throw error;
  }
}
