import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';

/** Most brackets a document may open inside each other: selection sets, argument lists, list and object values. */
export const MAX_NESTING = 64;

const OPEN: ReadonlySet<string> = new Set([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSE: ReadonlySet<string> = new Set([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Reads the document's tokens once, without recursion, and refuses one that
 * nests brackets deeper than MAX_NESTING or has more than `maxTokens` tokens.
 * graphql-js parses (and validates) by recursion, so a 2,000-level document
 * would otherwise exhaust the stack before any limit is checked. A string
 * holding a NUL character is refused here too. Syntax errors are left to
 * `parse`.
 */
export function checkNesting(query: string, maxTokens: number): GraphQLError | null {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      tokens += 1;
      if (tokens > maxTokens) return new GraphQLError(`Syntax Error: Document contains more than ${maxTokens} tokens.`, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
      // A "\u0000" escape: no stored text holds a NUL, and PostgreSQL refuses one as a parameter.
      if ((token.kind === TokenKind.STRING || token.kind === TokenKind.BLOCK_STRING) && token.value.includes('\u0000')) {
        return new GraphQLError('a string in the document contains the NUL character (U+0000), which nothing stored can hold', { extensions: { code: 'BAD_USER_INPUT' } });
      }
      if (OPEN.has(token.kind)) depth += 1;
      else if (CLOSE.has(token.kind)) depth -= 1;
      if (depth > MAX_NESTING) {
        return new GraphQLError(`the document nests brackets ${MAX_NESTING + 1} or more levels deep; at most ${MAX_NESTING} are allowed`, { extensions: { code: 'QUERY_TOO_DEEP', maxNesting: MAX_NESTING } });
      }
    }
  } catch (err) {
    // A lexing error: parse() reports it with its location.
    if (err instanceof GraphQLError) return null;
    throw err;
  }
  return null;
}
