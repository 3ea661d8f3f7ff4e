import type postgres from 'postgres';
import { AppError, type ErrorCode } from '../errors.js';

// The owner's functions (purges, holds, retention rules) refuse with these
// SQLSTATEs; their messages are written for the person who asked.
const CODES: Readonly<Record<string, ErrorCode>> = {
  '22023': 'invalid', // invalid_parameter_value
  P0002: 'not_found', // no_data_found
  '55000': 'conflict', // object_not_in_prerequisite_state
};

/** Runs a call of an owner's function, turning its refusals into AppErrors in its own words. */
export async function ownerFunctionCall<T>(query: Promise<T>): Promise<T> {
  try {
    return await query;
  } catch (err) {
    const code = CODES[(err as postgres.PostgresError).code];
    if (code !== undefined) throw new AppError(code, (err as Error).message.replace(/^flowtrail: /, ''), { cause: err });
    throw err;
  }
}
