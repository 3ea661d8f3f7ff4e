import { buildSchema, getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { measureOperation } from './measure-operation.js';
import { schema } from './schema.js';

// A recursive schema: deeper than flowtrail's own, to show the depth limit at work.
const tree = buildSchema(`
  type Node { id: ID, parent: Node, children(first: Int = 5): [Node!]!, tags: [String!]! }
  type Query { node: Node, nodes(first: Int = 20): [Node!]! }
`);

function measure(query: string, variables: Record<string, unknown> = {}, s = tree) {
  const doc = parse(query);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  return measureOperation(s, getOperationAST(doc)!, fragments, variables);
}

describe('measureOperation', () => {
  it('counts depth in nested fields, through fragments, not counting introspection', () => {
    expect(measure('{ node { id } }').depth).toBe(2);
    expect(measure('{ node { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } }').depth).toBe(9);
    expect(measure('fragment P on Node { parent { parent { id } } } { node { ...P ... on Node { parent { ...P } } } }').depth).toBe(5);
    expect(measure('{ __schema { types { fields { type { name } } } } node { id } }').depth).toBe(2);
  });

  it('costs objects times the items a list may hold: first, the field default, or 10', () => {
    expect(measure('{ node { id tags } }').cost).toBe(1);
    expect(measure('{ nodes { id } }').cost).toBe(20);
    expect(measure('query($n: Int) { nodes(first: $n) { children { id } } }', { n: 3 }).cost).toBe(3 * (1 + 5));
    expect(measure('{ a: node { id } b: node { parent { id } } }').cost).toBe(3);
  });

  it('refuses a first outside 1 to 100', () => {
    expect(() => measure('{ nodes(first: 101) { id } }')).toThrow('first must be between 1 and 100');
    expect(() => measure('query($n: Int) { nodes(first: $n) { id } }', { n: 0 })).toThrow('first must be between 1 and 100');
  });

  it("prices the seed query within flowtrail's limit at a page of 100", () => {
    const seed = `{ duoFlowSessions(first: 100) { nodes { sessionId user { username } resourcesCreated { webUrl } decisionsLog { step } } pageInfo { endCursor } } }`;
    expect(measure(seed, {}, schema)).toEqual({ depth: 4, cost: 1 + 100 * (1 + 1 + 10 + 10) + 1 });
  });
});
