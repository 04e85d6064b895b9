import { deepStrictEqual, ok } from 'node:assert';
import { allowedEdgesTable, importCycles, layeringViolations, readImportGraph, type ImportGraph } from './support/import-graph';
import { repositoryRoot } from './support/paths';

// The layers of server/src are folders in one order (docs/architecture.md): a file imports its own
// layer and those below it, never one above, and no file imports itself back through others.

function graphOf(files: Record<string, { local?: string[]; packages?: string[] }>): ImportGraph {
  return { files: new Map(Object.entries(files).map(([name, imports]) => [name, { local: imports.local ?? [], packages: imports.packages ?? [] }])) };
}

describe('architecture', () => {
  const graph = readImportGraph(repositoryRoot, ['server/src', 'client/src']);

  it('reads the imports of every source file', () => {
    ok(graph.files.size > 100, `only ${graph.files.size} files read`);
    const rules = graph.files.get('server/src/rules/index.ts');
    ok(rules !== undefined && rules.local.length > 0, 'server/src/rules/index.ts imports nothing?');
  });

  it('imports only downward, between the layers', () => {
    const violations = layeringViolations(graph);
    deepStrictEqual(violations, [], `imports against the layering:\n${violations.join('\n')}\n\nallowed:\n${allowedEdgesTable()}`);
  });

  it('has no import cycles', () => {
    const cycles = importCycles(graph);
    deepStrictEqual(cycles, [], `import cycles:\n${cycles.map((cycle) => cycle.join(' → ')).join('\n')}`);
  });

  describe('the checks themselves', () => {
    it('catch an import from a lower layer to a higher one', () => {
      const upward = graphOf({
        'server/src/rules/r.ts': { local: ['server/src/model/m.ts'] },
        'server/src/model/m.ts': { local: ['server/src/rules/rule.ts'] },
        'server/src/rules/rule.ts': {},
      });
      deepStrictEqual(layeringViolations(upward), ['server/src/model/m.ts → server/src/rules/rule.ts (model may not import rules)']);
    });

    it('catch an adapter imported by the other, the client importing the engine, an editor package in the engine and a folder in no layer', () => {
      const wrong = graphOf({
        'server/src/cli/cli.ts': { local: ['server/src/language-server/server.ts'] },
        'server/src/language-server/server.ts': { packages: ['vscode-languageserver/node'] },
        'server/src/services/hover.ts': { packages: ['vscode-languageserver-textdocument'] },
        'client/src/extension.ts': { local: ['server/src/engine/analyze-workspace.ts', 'server/src/protocol/messages.ts'], packages: ['vscode'] },
        'server/src/helpers/misc.ts': {},
      });
      deepStrictEqual(layeringViolations(wrong), [
        'client/src/extension.ts → server/src/engine/analyze-workspace.ts (the client may import only server/src/protocol/)',
        'server/src/cli/cli.ts → server/src/language-server/server.ts (cli may not import language-server)',
        'server/src/helpers/misc.ts: in no layer (server/src/helpers/ is not one of protocol, text, workspace, languages, inventory, model, facts, fixes, rules, engine, bootstrap, services, cli, language-server)',
        'server/src/services/hover.ts → vscode-languageserver-textdocument (editor packages are for the adapters)',
      ]);
    });

    it('catch a cycle, also one through a type import, and not a file that imports a sibling twice', () => {
      const cyclic = graphOf({
        'server/src/model/a.ts': { local: ['server/src/model/b.ts', 'server/src/model/c.ts', 'server/src/model/c.ts'] },
        'server/src/model/b.ts': { local: ['server/src/model/a.ts'] },
        'server/src/model/c.ts': {},
      });
      deepStrictEqual(importCycles(cyclic), [['server/src/model/a.ts', 'server/src/model/b.ts']]);
    });

    it('read type-only imports, re-exports and dynamic imports', () => {
      const own = readImportGraph(repositoryRoot, ['server/src/cli']);
      ok(own.files.get('server/src/cli/cli.ts')?.local.includes('server/src/cli/cli-commands.ts'), 'the dynamic import of cli-commands.js was not read');
      const compose = readImportGraph(repositoryRoot, ['server/src/languages/compose']).files.get('server/src/languages/compose/index.ts');
      ok(compose?.local.includes('server/src/languages/compose/model.ts'), 'the `export type … from` of compose/index.ts was not read');
    });
  });
});
