import type { FileSystem } from '../../workspace/file-system';
import { mainContext } from './analyzer';
import { BlockContexts } from './block-contexts';
import { ConfigurationFiles, type ConfigurationEntry, loadNginxConfiguration, readConfigurationFile } from './configuration';
import {
  ByteWriter,
  type CrossplanePayload,
  errorText,
  type PayloadError,
  type PayloadOutput,
  StatementWriter,
  writeCrossplanePayload,
  writePayload,
} from './crossplane-payload';
import type { StatementSink, SunkStatement } from './parser';
import type { NginxComment, NginxError } from './syntax-tree';

/** crossplane parse's options, as `certboot parse` takes them. */
export interface CrossplaneParseOptions {
  /** How the main file is named in the payload (the command line's spelling). */
  readonly displayPath: string;
  /** Do not follow includes (--single-file). */
  readonly single?: boolean;
  /** Directives left out, blocks included (--ignore). */
  readonly ignore?: ReadonlySet<string>;
  readonly includeComments?: boolean;
  /** One config with the included files' statements where their includes stand (--combine). */
  readonly combine?: boolean;
}

/**
 * One file's statements as JSON text, written while the parser reads them: the elements of the
 * file's `parsed` array, kept in chunks until every file is read, because the payload's errors
 * come first and an include can fail in any file.
 */
class FileStatements implements StatementSink {
  readonly chunks: Uint8Array[] = [];
  /** Whether any statement was written. */
  wrote = false;
  private readonly writer: StatementWriter;
  /** The level the next statement stands at: 4 in `parsed`, 2 more in each block. */
  private level = 4;
  /** For each directive begun and not yet ended: its line, doubled, plus one when it opened a block. */
  private readonly open: number[] = [];

  constructor(
    indent: number | undefined,
    private readonly includeComments: boolean,
    /** The files an include names, when includes are followed. */
    private readonly resolveInclude: ((statement: SunkStatement) => number[]) | undefined,
  ) {
    // each full buffer is kept as it is, not copied
    this.writer = new StatementWriter(new ByteWriter((chunk) => this.chunks.push(chunk), false), indent);
  }

  begin(statement: SunkStatement): void {
    const writer = this.writer;
    const level = this.level;
    this.wrote = true;
    if (statement.slices) writer.beginFromText(level, statement.name, statement.line, statement.ranges);
    else {
      writer.begin(level, statement.name, statement.line, undefined);
      writer.argumentValues(level, statement.args);
    }
    if (this.resolveInclude !== undefined && statement.name === 'include' && statement.args.length === 1) {
      writer.includes(level, this.resolveInclude(statement));
    }
    if (statement.opensBlock) {
      writer.openBlock(level);
      this.level += 2;
    }
    this.open.push(2 * statement.line + (statement.opensBlock ? 1 : 0));
  }

  end(argumentComments: readonly NginxComment[]): void {
    const writer = this.writer;
    const open = this.open.pop() as number;
    const line = open >> 1;
    if ((open & 1) === 1) {
      this.level -= 2;
      writer.closeBlock(this.level);
    }
    writer.end(this.level);
    // crossplane prints comments written between arguments even without --include-comments
    for (const comment of argumentComments) writer.comment(comment.text, line, undefined, this.level);
  }

  comment(comment: NginxComment): void {
    if (!this.includeComments) return;
    this.wrote = true;
    this.writer.comment(comment.text, comment.line, undefined, this.level);
  }

  finish(): void {
    this.writer.out.flush();
  }
}

/**
 * What `crossplane parse` prints for a configuration, written while each file is read: no file's
 * tree is built (StatementSink), so a configuration of hundreds of thousands of lines costs
 * little more than reading it. Files are read in the order crossplane prints them, which is the
 * order their includes are met (ConfigurationFiles); their statements wait in memory as JSON
 * until the errors, which come first, are known. Combining inlines files where their includes
 * stand, so it reads the trees (loadNginxConfiguration, writeCrossplanePayload). Returns the
 * payload's status.
 */
export function writeCrossplaneParse(
  fileSystem: FileSystem,
  mainPath: string,
  options: CrossplaneParseOptions,
  output: PayloadOutput,
): CrossplanePayload['status'] {
  if (options.combine) {
    const loaded = loadNginxConfiguration(fileSystem, mainPath, {
      displayPath: options.displayPath,
      single: options.single,
      invalidDirectives: 'crossplane',
      ignore: options.ignore,
    });
    return writeCrossplanePayload(loaded, { includeComments: options.includeComments, combine: true }, output);
  }
  const configuration = new ConfigurationFiles(fileSystem, mainPath, options.displayPath, undefined);
  const contexts = new BlockContexts();
  const statements: FileStatements[] = [];
  configuration.add(mainPath, options.displayPath, mainContext);
  for (let fileIndex = 0; fileIndex < configuration.entries.length; fileIndex++) {
    const entry = configuration.entries[fileIndex];
    const includeErrors: NginxError[] = [];
    const resolve = (statement: SunkStatement): number[] =>
      configuration.resolveInclude(fileIndex, statement.args[0], statement.line, statement.context, (error) => includeErrors.push(error));
    const file = new FileStatements(output.indent, options.includeComments === true, options.single ? undefined : resolve);
    const syntax = readConfigurationFile(fileSystem, entry.path, {
      context: entry.context,
      invalidDirectives: 'crossplane',
      ignore: options.ignore,
      contexts,
      statements: file,
    });
    file.finish();
    // as loadNginxConfiguration has them before sorting: the file's own, then its includes'
    entry.errors.push(...syntax.errors, ...includeErrors);
    statements.push(file);
  }
  configuration.finish();
  const files: readonly ConfigurationEntry[] = configuration.entries;
  const errors: PayloadError[] = files.flatMap((file) => file.errors.map((error) => ({ file, text: errorText(error, file.displayPath), line: error.line })));
  const status = errors.length > 0 ? 'failed' : 'ok';
  const writer = new StatementWriter(new ByteWriter((chunk) => output.write(chunk)), output.indent);
  writePayload(writer, files, status, errors, false, (fileIndex) => {
    const file = statements[fileIndex];
    writer.out.flush();
    for (const chunk of file.chunks) output.write(chunk);
    // the file's `parsed` is closed as `[]` when it holds nothing
    writer.first = !file.wrote;
  });
  return status;
}
