import { Lexer } from 'yaml';

/**
 * How many YAML tokens a file may have to be parsed. Bytes alone do not bound the cost: the
 * yaml package takes about 10 µs and half a kilobyte a token to build its document, so a 5 MB
 * compose file of one flow sequence (1.7 million tokens) took 16 s and 760 MB before any rule
 * ran. 100,000 tokens is some 300 kB of YAML, far more than any compose file or template has.
 */
export const maximumYamlTokens = 100_000;

/** Whether `text` lexes to more than `maximum` YAML tokens; the lexer stops at the bound, so asking costs no more than that. */
export function exceedsYamlTokens(text: string, maximum = maximumYamlTokens): boolean {
  let count = 0;
  for (const _token of new Lexer().lex(text)) if (++count > maximum) return true;
  return false;
}
