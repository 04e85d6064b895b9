/**
 * The files a command writes and removes, read from its arguments as coreutils, openssl, curl,
 * wget and dd take them (their manuals): `cp`/`mv`/`install`/`ln`/`rsync` write their last operand
 * (or `-t DIR`), `mv` removes its sources, `touch` and `tee` write each operand, `openssl` writes
 * `-out` and `-keyout`, `curl` `-o`, `wget` `-O` (or into `-P DIR`), `dd` `of=`; `mkdir` and
 * `install -d` make directories and write no file.
 */
import { basename } from './container-launch';
import type { ShellWord } from './shell-script';

/** `docker volume rm`, `docker volume prune`, `docker compose down -v`: a named volume goes with all it holds. */
export function removesVolumes(words: readonly ShellWord[]): boolean {
  const values = words.map((word) => word.value);
  const program = words[0] ? basename(words[0]) : '';
  if (program !== 'docker' && program !== 'docker-compose') return false;
  if (values.includes('volume') && (values.includes('rm') || values.includes('prune'))) return true;
  return values.includes('down') && values.some((value) => value === '-v' || value === '--volumes');
}

const valueOptions: Readonly<Record<string, ReadonlySet<string>>> = {
  cp: new Set(['-t', '-S', '--suffix', '--target-directory']),
  mv: new Set(['-t', '-S', '--suffix', '--target-directory']),
  install: new Set(['-t', '-S', '-m', '-o', '-g', '--mode', '--owner', '--group', '--suffix', '--target-directory']),
  ln: new Set(['-t', '-S', '--suffix', '--target-directory']),
  rsync: new Set(['-e', '--rsh']),
  touch: new Set(['-d', '-t', '-r', '--date', '--reference']),
  tee: new Set(),
  rm: new Set(),
  unlink: new Set(),
  rmdir: new Set(),
  mkdir: new Set(['-m', '--mode']),
};

/** The operands of a command (its words that are no option or option value), and its `-t DIR` target. */
function operands(program: string, args: readonly ShellWord[]): { operands: ShellWord[]; target?: ShellWord } {
  const takesValue = valueOptions[program] ?? new Set<string>();
  const found: ShellWord[] = [];
  let target: ShellWord | undefined;
  for (let index = 0; index < args.length; index++) {
    const word = args[index] as ShellWord;
    if (word.value === '--') {
      found.push(...args.slice(index + 1));
      break;
    }
    if (!word.value.startsWith('-') || word.value === '-') {
      found.push(word);
      continue;
    }
    if (word.value.startsWith('--target-directory=')) target = { ...word, value: word.value.slice('--target-directory='.length) };
    else if (takesValue.has(word.value)) {
      const value = args[++index];
      if (value && (word.value === '-t' || word.value === '--target-directory')) target = value;
    }
  }
  return { operands: found, ...(target ? { target } : {}) };
}

/**
 * The values after any of `names` (`-out FILE`), the rest of a word for an attached `--name=`
 * form, and with `clusters` the value after a cluster of short options ending in one (`-sSo FILE`).
 */
function optionValues(args: readonly ShellWord[], names: readonly string[], clusters = false): ShellWord[] {
  const short = names.filter((name) => /^-[a-zA-Z]$/.test(name)).map((name) => name.slice(1));
  return args.flatMap((word, index) => {
    const next = args[index + 1];
    if (names.includes(word.value) || (clusters && /^-[a-zA-Z]+$/.test(word.value) && short.includes(word.value.slice(-1)))) return next ? [next] : [];
    const attached = names.find((name) => name.startsWith('--') && word.value.startsWith(`${name}=`));
    return attached ? [{ ...word, value: word.value.slice(attached.length + 1) }] : [];
  });
}

/** The directories a program makes, the paths it writes and removes, and whether it may remove anything at all. */
export function fileOperands(
  program: string,
  args: readonly ShellWord[],
): { directories: ShellWord[]; written: ShellWord[]; removed: ShellWord[]; anything: boolean } {
  const none = { directories: [], written: [], removed: [], anything: false };
  switch (program) {
    case 'mkdir':
      return { ...none, directories: operands(program, args).operands };
    case 'rm':
    case 'unlink':
    case 'rmdir':
      return { ...none, removed: operands(program, args).operands };
    case 'mv': {
      const { operands: found, target } = operands(program, args);
      if (target) return { ...none, written: [target], removed: found };
      return { ...none, written: found.slice(-1), removed: found.slice(0, -1) };
    }
    case 'cp':
    case 'install':
    case 'ln':
    case 'rsync': {
      if (program === 'install' && args.some((word) => word.value === '-d' || word.value === '--directory'))
        return { ...none, directories: operands(program, args).operands };
      const { operands: found, target } = operands(program, args);
      if (target) return { ...none, written: [target] };
      return { ...none, written: found.length >= 2 ? found.slice(-1) : [] };
    }
    case 'touch':
    case 'tee':
      return { ...none, written: operands(program, args).operands };
    case 'openssl':
      return { ...none, written: optionValues(args, ['-out', '-keyout']) };
    case 'curl':
      return { ...none, written: optionValues(args, ['-o', '--output'], true) };
    case 'wget':
      return { ...none, written: optionValues(args, ['-O', '--output-document', '-P', '--directory-prefix'], true) };
    case 'dd':
      return { ...none, written: args.filter((word) => word.value.startsWith('of=')).map((word) => ({ ...word, value: word.value.slice(3) })) };
    case 'find':
      return { ...none, anything: args.some((word) => word.value === '-delete' || word.value === 'rm') };
    case 'certbot':
    case 'letsencrypt':
      return { ...none, anything: args.some((word) => word.value === 'delete') };
    default:
      return none;
  }
}
