import type { FileSystem } from '../../workspace/file-system';
import { mainContext } from './analyzer';
import { BlockContexts } from './block-contexts';
import { binaryFileProblem, ConfigurationFiles, type ConfigurationEntry, fileError, loadNginxConfiguration, readConfigurationBytes } from './configuration';
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
import { type CrossplaneFileOptions, readCrossplaneFile } from './crossplane-reader';
import type { NginxError } from './syntax-tree';
import { isBinaryConfiguration } from './text';

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

/** One file's statements as JSON text: the elements of its `parsed` array. */
interface FileStatements {
  readonly chunks: readonly Uint8Array[];
  /** Whether any statement was written. */
  readonly wrote: boolean;
}

/**
 * Reads one file and writes its statements as they are read (crossplane-reader.ts); the chunks
 * wait in memory until every file is read, because the payload's errors come first and an
 * include can fail in any file.
 */
function readFileStatements(bytes: Uint8Array, options: CrossplaneFileOptions, indent: number | undefined): FileStatements & { errors: NginxError[] } {
  const chunks: Uint8Array[] = [];
  // a file's statements are about twice its bytes as compact JSON, more when indented: most
  // files' fit in one chunk, each full chunk is kept as it is, and the output is a few writes
  const chunkLength = (indent === undefined ? 2 : 4) * bytes.length + 4096;
  const writer = new StatementWriter(new ByteWriter((chunk) => chunks.push(chunk), false, chunkLength), indent);
  const errors = readCrossplaneFile(bytes, options, writer);
  writer.out.flush();
  return { chunks, wrote: !writer.first, errors };
}

/**
 * What `crossplane parse` prints for a configuration, written while each file is read: no file
 * is decoded and no tree is built (crossplane-reader.ts), so a configuration of hundreds of
 * thousands of lines costs little more than copying its bytes. Files are read in the order
 * crossplane prints them, which is the order their includes are met (ConfigurationFiles); their
 * statements wait in memory as JSON until the errors, which come first, are known. Combining
 * inlines files where their includes stand, so it reads the trees (loadNginxConfiguration,
 * writeCrossplanePayload). Returns the payload's status.
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
    const read = readConfigurationBytes(fileSystem, entry.path);
    if ('problem' in read || isBinaryConfiguration(read.bytes)) {
      entry.errors.push(fileError('problem' in read ? read.problem : binaryFileProblem));
      statements.push({ chunks: [], wrote: false });
      continue;
    }
    const includeErrors: NginxError[] = [];
    const fileOptions: CrossplaneFileOptions = {
      context: entry.context,
      contexts,
      ignore: options.ignore,
      includeComments: options.includeComments === true,
      resolveInclude: options.single
        ? undefined
        : (argument, line, context) => configuration.resolveInclude(fileIndex, argument, line, context, (error) => includeErrors.push(error)),
    };
    const file = readFileStatements(read.bytes, fileOptions, output.indent);
    // as loadNginxConfiguration has them before sorting: the file's own, then its includes'
    entry.errors.push(...file.errors, ...includeErrors);
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
