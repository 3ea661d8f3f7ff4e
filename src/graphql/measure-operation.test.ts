import { buildSchema, getOperationAST, Kind, parse, type FragmentDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { COST_CEILING, measureOperation } from './measure-operation.js';
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
    // decisionsLog is JSON asked without a selection; it costs as the list of decisions it holds, like its typed twin.
    const seed = `{ duoFlowSessions(first: 100) { nodes { sessionId user { username } resourcesCreated { webUrl } decisionsLog } pageInfo { endCursor } } }`;
    expect(measure(seed, {}, schema)).toEqual({ depth: 4, cost: 1 + 100 * (1 + 1 + 10 + 10) + 1 });
    expect(measure(seed.replace('decisionsLog', 'decisions { step }'), {}, schema)).toEqual({ depth: 4, cost: 1 + 100 * (1 + 1 + 10 + 10) + 1 });
    expect(measure('{ duoFlowSession(sessionId: "1") { decisionsLog planSteps } }', {}, schema)).toEqual({ depth: 2, cost: 1 + 10 });
  });

  it('measures each fragment once per page size: 60 levels of doubling fragments saturate at the ceiling at once', () => {
    const lines = ['{ ...F1 }'];
    for (let i = 1; i < 60; i++) lines.push(`fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`);
    lines.push('fragment F60 on Query { nodes(first: 1) { id } }');
    const started = performance.now();
    expect(measure(lines.join('\n'))).toEqual({ depth: 2, cost: COST_CEILING });
    expect(performance.now() - started).toBeLessThan(200);
    expect(measure('fragment C on Node { children { id } } { nodes(first: 7) { ...C } }').cost).toBe(7 * (1 + 5));
  });

  it('refuses a fragment that spreads itself (validation refuses it first; the walk must not loop either)', () => {
    expect(() => measure('fragment A on Query { node { id } ...B } fragment B on Query { ...A } { ...A }')).toThrow('spreads itself');
  });
});
