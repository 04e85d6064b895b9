/**
 * Reads nginx's configure scripts for what decides which modules a build has:
 * - auto/options: the variables' defaults (`HTTP_SSL=NO`) and what each option sets
 *   (`--with-http_ssl_module) HTTP_SSL=YES ;;`);
 * - auto/modules: in order, each module it adds (`ngx_module_name=…` then `. auto/module`) under
 *   the `if [ $HTTP_SSL = YES ]` conditions around it, how it is linked (`ngx_module_link=$HTTP_XSLT`:
 *   DYNAMIC makes it a .so), the C macros it defines (`have=NGX_HTTP_SSL . auto/have`) and the
 *   variables it sets on the way (`USE_OPENSSL=YES`).
 * The result is data a build's configure arguments are later run through (see the server's
 * nginx-builds.ts); nothing here runs a shell.
 */

export type ConfigureValue = 'YES' | 'NO' | 'DYNAMIC' | 'NONE' | 'DISABLED';

export interface ConfigureOptions {
  /** Each variable's value before any option: `HTTP_SSL` → `NO`. */
  readonly defaults: Readonly<Record<string, ConfigureValue>>;
  /** What each option sets: `--with-http_ssl_module` → { HTTP_SSL: YES }. */
  readonly options: Readonly<Record<string, Readonly<Record<string, ConfigureValue>>>>;
}

/**
 * One step of auto/modules, in file order. `when` is a condition over configure variables in the
 * form `HTTP=YES && HTTP_SSL=YES` (`!=` also occurs; `true` when unconditional).
 */
export type ModulesStep =
  | { readonly kind: 'set'; readonly variable: string; readonly value: ConfigureValue; readonly when: string }
  | { readonly kind: 'have'; readonly macro: string; readonly when: string }
  /** `link`: YES, or the variable whose value (YES or DYNAMIC) says how the modules are linked. */
  | { readonly kind: 'module'; readonly names: readonly string[]; readonly type: string; readonly link: string; readonly when: string }
  /** `ngx_module_name=$MAIL_MODULES … ngx_module_link=DYNAMIC`: every module added so far with this type is linked so. */
  | { readonly kind: 'relink'; readonly type: string; readonly link: string; readonly when: string };

export class ConfigureError extends Error {}

const valuePattern = 'YES|NO|DYNAMIC|NONE|DISABLED';

export function readConfigureOptions(text: string): ConfigureOptions {
  const defaults: Record<string, ConfigureValue> = {};
  // the defaults are the unindented assignments before the loop over the arguments
  for (const match of text.matchAll(new RegExp(`^([A-Z][A-Z0-9_]*)=(${valuePattern})\\s*$`, 'gm'))) {
    defaults[match[1]] = match[2] as ConfigureValue;
  }
  const options: Record<string, Record<string, ConfigureValue>> = {};
  for (const match of text.matchAll(/^\s*(--[\w=.-]+(?:\|--[\w=.-]+)*)\)([\s\S]*?);;/gm)) {
    const assignments: Record<string, ConfigureValue> = {};
    for (const assignment of match[2].matchAll(new RegExp(`\\b([A-Z][A-Z0-9_]*)=(${valuePattern})\\b`, 'g'))) {
      assignments[assignment[1]] = assignment[2] as ConfigureValue;
    }
    if (Object.keys(assignments).length === 0) continue;
    for (const option of match[1].split('|')) options[option] = assignments;
  }
  if (Object.keys(defaults).length < 20 || Object.keys(options).length < 20) throw new ConfigureError('auto/options: too few defaults or options read');
  return { defaults, options };
}

/** `[ $HTTP_GRPC = YES -a $HTTP_V2 = YES ]` → `HTTP_GRPC=YES && HTTP_V2=YES`; undefined when it is not that shape. */
export function readShellCondition(text: string): string | undefined {
  const terms = text.trim().split(/\s+(-a|-o)\s+/);
  const parts: string[] = [];
  for (let index = 0; index < terms.length; index++) {
    if (index % 2 === 1) {
      parts.push(terms[index] === '-a' ? '&&' : '||');
      continue;
    }
    const term = /^"?\$(\w+)"?\s*(=|!=)\s*"?(\w+)"?$/.exec(terms[index]);
    if (!term) return undefined;
    parts.push(`${term[1]}${term[2]}${term[3]}`);
  }
  return parts.join(' ');
}

function combine(conditions: readonly string[]): string {
  const known = conditions.filter((condition) => condition !== 'true');
  if (known.length === 0) return 'true';
  return known.map((condition) => (condition.includes('||') && known.length > 1 ? `(${condition})` : condition)).join(' && ');
}

export function readConfigureModules(text: string): ModulesStep[] {
  // join continued lines, drop comments
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/^\s*#.*$/, '').trim());
  const steps: ModulesStep[] = [];
  const conditions: string[] = [];
  let loops = 0;
  let moduleName = '';
  let moduleLink = 'YES';
  let moduleType = '';
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    // a quoted value may run over several lines without backslashes
    while (/^\w+="[^"]*$/.test(line) && index + 1 < lines.length) line += ` ${lines[++index]}`;
    if (line === '') continue;
    let match: RegExpExecArray | null;
    if ((match = /^(if|elif)\s+(.*?);\s*then$/.exec(line))) {
      const test = match[2];
      const bracket = /^\[\s*(.*)\s*\]$/.exec(test);
      const condition = test === ':' ? 'true' : bracket ? readShellCondition(bracket[1]) : undefined;
      // a test certboot cannot read (`test -n "$NGX_ADDONS"`) makes what it guards unknown
      const readable = condition ?? 'unknown';
      if (match[1] === 'elif') conditions[conditions.length - 1] = `!(${conditions[conditions.length - 1]}) && ${readable}`;
      else conditions.push(readable);
      continue;
    }
    if (line === 'else') {
      conditions[conditions.length - 1] = `!(${conditions[conditions.length - 1]})`;
      continue;
    }
    if (line === 'fi') {
      if (conditions.pop() === undefined) throw new ConfigureError(`auto/modules: "fi" without "if" at line ${index + 1}`);
      continue;
    }
    if (/^(for|while)\b/.test(line)) loops++;
    if (line === 'done') loops--;
    if (loops > 0) continue;
    const when = combine(conditions);
    if ((match = /^ngx_module_name="?([^"]*)"?$/.exec(line))) {
      moduleName = match[1].trim();
      continue;
    }
    if ((match = /^ngx_module_type="?(\w*)"?$/.exec(line))) {
      moduleType = match[1];
      continue;
    }
    if ((match = /^ngx_module_link="?([^"]*)"?$/.exec(line))) {
      moduleLink = match[1].trim().replace(/^\$/, '');
      continue;
    }
    if (line === '. auto/module') {
      const names = moduleName.split(/\s+/).filter((name) => name !== '');
      const group = /^\$(\w+)_MODULES$/.exec(moduleName);
      // the C++ test module has no name: nothing to record
      if (names.length === 0) continue;
      if (group) steps.push({ kind: 'relink', type: group[1], link: moduleLink, when });
      else if (names.length > 0 && names.every((name) => /^ngx_\w+$/.test(name)))
        steps.push({ kind: 'module', names, type: moduleType, link: moduleLink, when });
      else throw new ConfigureError(`auto/modules: cannot read the module names "${moduleName}" at line ${index + 1}`);
      continue;
    }
    if ((match = /^have=(\w+) \. auto\/have$/.exec(line))) {
      steps.push({ kind: 'have', macro: match[1], when });
      continue;
    }
    if ((match = new RegExp(`^([A-Z][A-Z0-9_]*)=(${valuePattern})$`).exec(line))) {
      steps.push({ kind: 'set', variable: match[1], value: match[2] as ConfigureValue, when });
    }
  }
  if (conditions.length > 0) throw new ConfigureError('auto/modules: an "if" without "fi"');
  return steps;
}
