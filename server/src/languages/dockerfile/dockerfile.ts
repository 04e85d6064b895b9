import { posix } from 'node:path';
import type { Range } from '../../text/source-location';

/** What certboot needs from a Dockerfile: the image the running stage is built FROM, the paths COPY/ADD write, the RUN steps that add nginx modules. */
export interface DockerfileSummary {
  /**
   * The image the last stage (the one that runs) is built FROM, followed through `FROM <stage>`,
   * with the defaults of the ARGs declared before the first FROM substituted; as written when an
   * ARG has no default.
   */
  readonly baseImage?: string;
  /** Where that image is written: the image word of its FROM line. */
  readonly baseImageRange?: Range;
  /** The image names an ARG (`FROM nginx:${NGINX_VERSION}`): a build argument may pick another one. */
  readonly baseImageFromArgument: boolean;
  /** Absolute container paths written by COPY or ADD in the running stage and the stages it is built FROM. */
  readonly copiedPaths: readonly string[];
  /**
   * RUN steps of those stages that install or compile nginx modules (`nginx-module-…`,
   * `libnginx-mod-…`, `./configure`, `--add-module=`): the image may have directives no table of
   * certboot's knows.
   */
  readonly moduleSteps: readonly DockerfileStep[];
  /** The COPY and ADD steps of those stages, in order (the running stage's last). */
  readonly copies: readonly DockerfileCopy[];
  /**
   * The COPY and ADD steps of every stage, in order: also those of a stage the running one only
   * copies from (`COPY --from=files / /`) or does not use. What they take from the build context
   * goes into an image, whichever.
   */
  readonly copiesOfEveryStage: readonly DockerfileCopy[];
  /**
   * Absolute paths the RUN steps of those stages name (`rm /etc/nginx/conf.d/default.conf`,
   * `mkdir -p /etc/letsencrypt/live/x`): what they write there is unknown.
   */
  readonly runPaths: readonly DockerfileRunPath[];
  /** Whether a RUN step runs a program of the build context or one COPY/ADD put in the image: its writes are unknown. */
  readonly runsCopiedProgram: boolean;
  /** CMD and ENTRYPOINT of the running stage as exec-form words (a shell form as `/bin/sh -c TEXT`); undefined when not set there. */
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** The WORKDIR the running stage ends with (through the stages it is built FROM); undefined when none sets one, so the base image's holds. */
  readonly workingDirectory?: string;
}

/** A path a RUN step names, and which step (counted over the file, so later steps count higher). */
export interface DockerfileRunPath {
  readonly path: string;
  readonly step: number;
}

/** One COPY or ADD: its sources as written (relative to the build context) and the absolute destination. */
export interface DockerfileCopy {
  readonly sources: readonly string[];
  readonly destination: string;
  /** `--from=<stage or image>`: the sources are not the build context's. */
  readonly fromOtherImage: boolean;
  /** ADD of a URL or an archive (unpacked): what lands is not the source file. */
  readonly transformed: boolean;
  /** Which step of the file it is (see DockerfileRunPath.step). */
  readonly step: number;
  /** The instruction's first line. */
  readonly range: Range;
}

export interface DockerfileStep {
  /** The instruction, continuation lines joined. */
  readonly text: string;
  /** Where it starts (0-based line), to point at it. */
  readonly range: Range;
}

interface Instruction {
  readonly text: string;
  /** The physical line it starts on, 0-based, and that line's text. */
  readonly line: number;
  readonly firstLine: string;
}

/** Joins backslash-continued lines, drops comments; enough for FROM, ARG, COPY, ADD and RUN. */
function instructions(text: string): Instruction[] {
  const result: Instruction[] = [];
  let current = '';
  let start = 0;
  const lines = text.split(/\r?\n/);
  for (const [index, rawLine] of lines.entries()) {
    const line = rawLine.trim();
    if (line.startsWith('#')) continue;
    if (current === '') {
      if (line === '') continue;
      start = index;
    }
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    result.push({ text: current + line, line: start, firstLine: lines[start] ?? '' });
    current = '';
  }
  if (current !== '') result.push({ text: current, line: start, firstLine: lines[start] ?? '' });
  return result;
}

/** `$NAME`, `${NAME}`, `${NAME:-default}` and `${NAME:+value}` with the ARG defaults known; undefined when one has none. */
function substitute(word: string, defaults: ReadonlyMap<string, string | undefined>): string | undefined {
  let unresolved = false;
  const result = word.replace(
    /\$(?:\{(\w+)(?::([-+])([^}]*))?\}|(\w+))/g,
    (_, braced: string | undefined, operator: string | undefined, operand = '', bare) => {
      const value = defaults.get((braced ?? bare) as string);
      if (operator === '-') return value === undefined || value === '' ? operand : value;
      if (operator === '+') return value === undefined || value === '' ? '' : operand;
      if (value === undefined) unresolved = true;
      return value ?? '';
    },
  );
  return unresolved ? undefined : result;
}

const moduleStep =
  /\b(?:nginx-module-[\w.-]+|libnginx-mod-[\w.-]+|nginx-mod-[\w.-]+|nginx-(?:extras|full))\b|--add(?:-dynamic)?-module\b|(?:^|[\s;&|/])(?:\.\/|auto\/)configure\b|\bmake\s+modules\b/;

interface Stage {
  readonly name: string | undefined;
  /** The image it is built FROM, as read (substituted), or the stage it continues. */
  readonly base: string | undefined;
  readonly baseRange: Range | undefined;
  readonly fromArgument: boolean;
  readonly parent: Stage | undefined;
  readonly copiedPaths: string[];
  readonly moduleSteps: DockerfileStep[];
  readonly copies: DockerfileCopy[];
  readonly runPaths: DockerfileRunPath[];
  runsCopiedProgram: boolean;
  command?: readonly string[];
  entrypoint?: readonly string[];
  /** Its WORKDIR so far, from the stage it continues too; undefined while none is set. */
  workingDirectory?: string;
}

/** The words of an exec form (`["nginx", "-g", "daemon off;"]`), else `/bin/sh -c TEXT`. */
function commandWords(rest: string): string[] {
  const trimmed = rest.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return parsed;
    } catch {
      // not JSON: docker runs it as a shell form
    }
  }
  return ['/bin/sh', '-c', trimmed];
}

const absolutePath = /(?:^|[\s=:'"(>])(\/[A-Za-z0-9_.@+\-/]*[A-Za-z0-9_.@+-])/g;
const archive = /\.(?:tar|tgz|tbz2?|txz|tar\.(?:gz|bz2|xz|zst))$/;

export function summarizeDockerfile(text: string): DockerfileSummary {
  const argDefaults = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  for (const [step, instruction] of instructions(text).entries()) {
    const [keyword = '', ...words] = instruction.text.split(/\s+/);
    const upper = keyword.toUpperCase();
    const range: Range = {
      start: { line: instruction.line, character: instruction.firstLine.length - instruction.firstLine.trimStart().length },
      end: { line: instruction.line, character: instruction.firstLine.trimEnd().length },
    };
    if (upper === 'ARG' && stage === undefined) {
      for (const word of words) {
        const equals = word.indexOf('=');
        if (equals < 0) argDefaults.set(word, undefined);
        else argDefaults.set(word.slice(0, equals), word.slice(equals + 1).replace(/^"(.*)"$/, '$1'));
      }
    } else if (upper === 'FROM') {
      const operands = words.filter((word) => !word.startsWith('--'));
      const written = operands[0];
      const name = operands[1]?.toLowerCase() === 'as' ? operands[2]?.toLowerCase() : undefined;
      const image = written === undefined ? undefined : (substitute(written, argDefaults) ?? written);
      const parent = image === undefined ? undefined : stages.find((candidate) => candidate.name !== undefined && candidate.name === image.toLowerCase());
      const column = written === undefined ? -1 : instruction.firstLine.indexOf(written, instruction.firstLine.toUpperCase().indexOf('FROM') + 4);
      stage = {
        name,
        base: image,
        baseRange:
          column < 0 || written === undefined
            ? undefined
            : { start: { line: instruction.line, character: column }, end: { line: instruction.line, character: column + written.length } },
        fromArgument: written?.includes('$') === true,
        parent,
        copiedPaths: [],
        moduleSteps: [],
        copies: [],
        runPaths: [],
        runsCopiedProgram: false,
        ...(parent?.command ? { command: parent.command } : {}),
        ...(parent?.entrypoint ? { entrypoint: parent.entrypoint } : {}),
        ...(parent?.workingDirectory ? { workingDirectory: parent.workingDirectory } : {}),
      };
      stages.push(stage);
    } else if (upper === 'WORKDIR' && words[0] && stage !== undefined) {
      const current = stage.workingDirectory ?? '/';
      stage.workingDirectory = posix.resolve(current, words[0]);
    } else if ((upper === 'COPY' || upper === 'ADD') && stage !== undefined) {
      const operands = words.filter((word) => !word.startsWith('--'));
      let destination = operands[operands.length - 1];
      if (instruction.text.includes('[')) {
        const json = /\[(.*)\]/.exec(instruction.text)?.[1];
        const items = json ? json.split(',').map((item) => item.trim().replace(/^"|"$/g, '')) : [];
        destination = items[items.length - 1];
      }
      if (destination) {
        const absolute = destination.startsWith('/') ? destination : posix.join(stage.workingDirectory ?? '/', destination);
        stage.copiedPaths.push(absolute);
        const sources = instruction.text.includes('[')
          ? (/\[(.*)\]/.exec(instruction.text)?.[1] ?? '')
              .split(',')
              .map((item) => item.trim().replace(/^"|"$/g, ''))
              .slice(0, -1)
          : operands.slice(0, -1);
        stage.copies.push({
          sources,
          destination: destination.endsWith('/') && !absolute.endsWith('/') ? `${absolute}/` : absolute,
          fromOtherImage: words.some((word) => word.startsWith('--from')),
          transformed: upper === 'ADD' && sources.some((source) => /^[a-z]+:\/\//i.test(source) || archive.test(source)),
          step,
          range,
        });
      }
    } else if (upper === 'RUN' && stage !== undefined) {
      if (moduleStep.test(instruction.text)) stage.moduleSteps.push({ text: instruction.text, range });
      for (const segment of instruction.text.slice(keyword.length).split(/&&|\|\||;/)) {
        // modes and owners change no content
        if (/^\s*(?:chmod|chown|chgrp)\s/.test(segment)) continue;
        for (const match of segment.matchAll(absolutePath)) stage.runPaths.push({ path: match[1].replace(/\/+$/, '') || '/', step });
      }
      const copied = chainOf(stage).flatMap((link) => link.copiedPaths.map((path) => path.replace(/\/$/, '')));
      if (runsProgramOf(instruction.text, copied)) stage.runsCopiedProgram = true;
    } else if ((upper === 'CMD' || upper === 'ENTRYPOINT') && stage !== undefined) {
      const rest = instruction.text.slice(keyword.length);
      if (upper === 'CMD') stage.command = commandWords(rest);
      else {
        stage.entrypoint = commandWords(rest);
        // an ENTRYPOINT resets the CMD of the image it is built FROM
        stage.command = undefined;
      }
    }
  }
  if (stage === undefined)
    return { baseImageFromArgument: false, copiedPaths: [], moduleSteps: [], copies: [], copiesOfEveryStage: [], runPaths: [], runsCopiedProgram: false };
  const chain = chainOf(stage);
  const root = chain[chain.length - 1] as Stage;
  return {
    ...(root.base === undefined ? {} : { baseImage: root.base }),
    ...(root.baseRange === undefined ? {} : { baseImageRange: root.baseRange }),
    baseImageFromArgument: root.fromArgument,
    copiedPaths: [...chain].reverse().flatMap((link) => link.copiedPaths),
    moduleSteps: chain.flatMap((link) => link.moduleSteps),
    copies: [...chain].reverse().flatMap((link) => link.copies),
    copiesOfEveryStage: stages.flatMap((link) => link.copies),
    runPaths: chain.flatMap((link) => link.runPaths),
    runsCopiedProgram: chain.some((link) => link.runsCopiedProgram),
    ...(stage.command ? { command: stage.command } : {}),
    ...(stage.entrypoint ? { entrypoint: stage.entrypoint } : {}),
    ...(stage.workingDirectory ? { workingDirectory: stage.workingDirectory } : {}),
  };
}

/** Whether a RUN step runs a script of its own (`./configure`, `sh setup.sh`) or a program a COPY put in the image. */
function runsProgramOf(text: string, copiedPaths: readonly string[]): boolean {
  if (/(?:^|[\s;&|])\.\/|(?:^|[\s;&|/])(?:sh|bash|ash|dash|source)\s+(?!-)\S/.test(text)) return true;
  const commandStart = /^RUN\s+|[;&|]\s*/gi;
  for (const match of text.matchAll(commandStart)) {
    const word = text.slice(match.index + match[0].length).split(/\s/)[0];
    if (copiedPaths.includes(word)) return true;
  }
  return false;
}

/** A stage and the stages it is built FROM: it holds what they hold. */
function chainOf(stage: Stage): Stage[] {
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current !== undefined && !chain.includes(current); current = current.parent) chain.push(current);
  return chain;
}
