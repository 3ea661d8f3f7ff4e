import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './cli-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with every mistake turned into a UsageError (exit 2). */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, positionals = 0) {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (r.positionals.length > positionals) throw new UsageError(`unexpected argument: ${r.positionals[positionals]}`);
    return r;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
