import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { fixturesRoot } from './paths';

/** The OASIS SARIF 2.1.0 schema (test/fixtures/sarif/README.md), compiled once. */
let validate: ReturnType<Ajv['compile']> | undefined;

/** What is wrong with a SARIF log by the schema, one line each (`/runs/0/results/2/level must be …`); empty when it is valid. */
export function sarifSchemaErrors(log: unknown): string[] {
  if (validate === undefined) {
    // strict: false, as strict mode is Ajv's own lint of how a schema is written (it rejects this
    // one's `required` inside `anyOf`), not part of validating against it
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    validate = ajv.compile(JSON.parse(readFileSync(join(fixturesRoot, 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));
  }
  return validate(log) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}`.trim());
}
