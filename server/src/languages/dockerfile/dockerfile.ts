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
}

export function summarizeDockerfile(text: string): DockerfileSummary {
  const argDefaults = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  let stage: Stage | undefined;
  let workingDirectory = '/';
  for (const instruction of instructions(text)) {
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
      };
      stages.push(stage);
      workingDirectory = '/';
    } else if (upper === 'WORKDIR' && words[0]) {
      workingDirectory = words[0].startsWith('/') ? words[0] : `${workingDirectory.replace(/\/$/, '')}/${words[0]}`;
    } else if ((upper === 'COPY' || upper === 'ADD') && stage !== undefined) {
      const operands = words.filter((word) => !word.startsWith('--'));
      let destination = operands[operands.length - 1];
      if (instruction.text.includes('[')) {
        const json = /\[(.*)\]/.exec(instruction.text)?.[1];
        const items = json ? json.split(',').map((item) => item.trim().replace(/^"|"$/g, '')) : [];
        destination = items[items.length - 1];
      }
      if (destination) stage.copiedPaths.push(destination.startsWith('/') ? destination : `${workingDirectory.replace(/\/$/, '')}/${destination}`);
    } else if (upper === 'RUN' && stage !== undefined && moduleStep.test(instruction.text)) {
      stage.moduleSteps.push({ text: instruction.text, range });
    }
  }
  if (stage === undefined) return { baseImageFromArgument: false, copiedPaths: [], moduleSteps: [] };
  // a stage built FROM another stage holds what that one holds
  const chain: Stage[] = [];
  for (let current: Stage | undefined = stage; current !== undefined && !chain.includes(current); current = current.parent) chain.push(current);
  const root = chain[chain.length - 1] as Stage;
  return {
    ...(root.base === undefined ? {} : { baseImage: root.base }),
    ...(root.baseRange === undefined ? {} : { baseImageRange: root.baseRange }),
    baseImageFromArgument: root.fromArgument,
    copiedPaths: [...chain].reverse().flatMap((link) => link.copiedPaths),
    moduleSteps: chain.flatMap((link) => link.moduleSteps),
  };
}
