/**
 * `envsubst` commands of a script that render one file into another: `envsubst < SOURCE >
 * DESTINATION`, the redirections in either order, or `cat SOURCE | envsubst > DESTINATION`.
 * GNU gettext's envsubst replaces every `$NAME` and `${NAME}` of its input with the environment's
 * value, an empty one when the variable is not set, unless a SHELL-FORMAT argument lists the
 * names to replace (`envsubst '${DOMAIN}'`); with `-v` it only prints names (envsubst(1)).
 */
export interface EnvsubstCommand {
  /** Offsets of the word `envsubst` in the script's text. */
  readonly start: number;
  readonly end: number;
  /** The file it reads and the one it writes, as written (no quotes). */
  readonly source: string;
  readonly destination: string;
  /** A SHELL-FORMAT argument limits what it replaces. */
  readonly listsNames: boolean;
}

/** A path word: unquoted, or in one pair of quotes; no expansion but `$` names (kept as written). */
const pathWord = String.raw`(?:"([^"\s]+)"|'([^'\s]+)'|([^\s"'<>|;&()]+))`;
const input = new RegExp(String.raw`<\s*${pathWord}`);
const output = new RegExp(String.raw`(?:^|[^>&0-9])>\s*${pathWord}`);
const catInput = new RegExp(String.raw`(?:^|[;&|(]\s*|\s)cat\s+${pathWord}\s*\|\s*$`);

function wordOf(match: RegExpExecArray | null): string | undefined {
  return match === null ? undefined : (match[1] ?? match[2] ?? match[3]);
}

/** The commands of a text, in order; lines continued with a backslash count as one. */
export function envsubstCommands(text: string): EnvsubstCommand[] {
  const commands: EnvsubstCommand[] = [];
  for (const found of text.matchAll(/(?:^|[\s;&|(`])envsubst(?=[\s;&|)<>`]|$)/gm)) {
    const start = (found.index ?? 0) + found[0].length - 'envsubst'.length;
    const end = start + 'envsubst'.length;
    // the rest of the command: to the end of the line (continued lines joined), or the next `;`, `&&`, `||`
    let rest = '';
    for (let at = end; at < text.length; at++) {
      const character = text[at];
      if (character === '\\' && text[at + 1] === '\n') {
        at++;
        rest += ' ';
        continue;
      }
      if ('\n;#|)`'.includes(character) || (character === '&' && text[at + 1] === '&')) break;
      rest += character;
    }
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const before = text.slice(lineStart, start);
    if (/#/.test(before.replace(/'[^']*'|"[^"]*"/g, ''))) continue;
    // the words before the first redirection: options, then the SHELL-FORMAT argument, if any
    const operands = rest.split(/[<>]/)[0].trim();
    const words = operands === '' ? [] : operands.split(/\s+/);
    if (words.some((word) => word === '-v' || word === '--variables' || word === '--help' || word === '--version' || word === '-h' || word === '-V')) continue;
    const listsNames = words.some((word) => !word.startsWith('-'));
    const source = wordOf(input.exec(rest)) ?? wordOf(catInput.exec(before));
    const destination = wordOf(output.exec(rest));
    if (source === undefined || destination === undefined) continue;
    commands.push({ start, end, source, destination, listsNames });
  }
  return commands;
}
