// `npm run generate:docs`: writes what the rule registry generates (scripts/rule-docs.ts) and
// names the files it changed.
import { resolve } from 'node:path';
import { writeGeneratedFiles } from './rule-docs';

for (const path of writeGeneratedFiles(resolve(__dirname, '..'))) process.stdout.write(`generate:docs: wrote ${path}\n`);
