import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
// `require` form on purpose: an `import` makes esbuild pick web-tree-sitter's ES module build,
// whose `import.meta.url` is undefined in the CommonJS bundles of dist/.
import treeSitter = require('web-tree-sitter');

/** Where the WebAssembly files live. */
export interface TreeSitterLocations {
  /** web-tree-sitter's own runtime, `tree-sitter.wasm`. */
  readonly runtime: string;
  /** The compiled bash grammar, `tree-sitter-bash.wasm`. */
  readonly bashGrammar: string;
  /** The compiled Terraform grammar (HCL plus Terraform's additions), `tree-sitter-terraform.wasm`. */
  readonly terraformGrammar?: string;
}

let defaultLocations: Required<TreeSitterLocations> | undefined;

/**
 * The bundles in `dist/` carry the files beside them (scripts/build.mjs copies them there);
 * from sources (tests run TypeScript directly) they come from node_modules.
 */
export function defaultTreeSitterLocations(): Required<TreeSitterLocations> {
  // every analysis asks; the files stay where they are for the life of the process
  defaultLocations ??= {
    runtime: besideBundleOrPackage('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm'),
    bashGrammar: besideBundleOrPackage('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm'),
    terraformGrammar: besideBundleOrPackage('tree-sitter-terraform.wasm', '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm'),
  };
  return defaultLocations;
}

function besideBundleOrPackage(fileName: string, packagePath: string): string {
  const bundled = join(__dirname, fileName);
  return existsSync(bundled) ? bundled : require.resolve(packagePath);
}

/** The part of the WebAssembly API used here (TypeScript's ES library has no WebAssembly types). */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
};

let runtimeReady: Promise<void> | undefined;

/**
 * web-tree-sitter allows one runtime per process; every caller shares the first initialisation.
 * The runtime's WebAssembly is read and instantiated here, synchronously: left to itself,
 * web-tree-sitter reads it through a dynamic `import()` of fs/promises, which starts Node's
 * ES module loader for that one file.
 */
export function initializeTreeSitterRuntime(runtimePath: string): Promise<void> {
  runtimeReady ??= (async () => {
    const bytes = readFileSync(runtimePath);
    await treeSitter.Parser.init({
      instantiateWasm(imports: object, receive: (instance: object, module: object) => void) {
        const module = new WebAssembly.Module(bytes);
        receive(new WebAssembly.Instance(module, imports), module);
        return {};
      },
    });
  })().catch((error: unknown) => {
    runtimeReady = undefined;
    throw error;
  });
  return runtimeReady;
}

/** A parser for the grammar in `grammarPath`; the runtime must be initialised first. */
async function createParser(grammarPath: string): Promise<treeSitter.Parser> {
  // bytes, not the path: given a path, web-tree-sitter reads it through a dynamic import() too
  const language = await treeSitter.Language.load(readFileSync(grammarPath));
  const parser = new treeSitter.Parser();
  parser.setLanguage(language);
  return parser;
}

/**
 * One grammar's parser: loaded once (again after a failed load), then used synchronously,
 * each parse bounded in time so no input can hang the editor.
 */
export class GrammarParser {
  private parser: treeSitter.Parser | undefined;
  private ready: Promise<void> | undefined;

  /** `notLoaded`: the error a parse before loading throws, naming the function to call first. */
  constructor(private readonly notLoaded: string) {}

  load(runtimePath: string, grammarPath: string): Promise<void> {
    this.ready ??= (async () => {
      await initializeTreeSitterRuntime(runtimePath);
      this.parser = await createParser(grammarPath);
    })().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** The tree, or null when parsing took longer than `milliseconds`. */
  parseWithin(text: string, milliseconds: number): treeSitter.Tree | null {
    const parser = this.parser;
    if (!parser) throw new Error(this.notLoaded);
    const deadline = Date.now() + milliseconds;
    try {
      return parser.parse(text, null, { progressCallback: () => Date.now() > deadline });
    } finally {
      // a cancelled parse would otherwise resume on the next, unrelated text
      parser.reset();
    }
  }
}
