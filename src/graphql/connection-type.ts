import { GraphQLBoolean, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLString, type GraphQLOutputType } from 'graphql';

export interface Connection<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; startCursor: string | null; endCursor: string | null };
}

export const PageInfoType = new GraphQLObjectType({
  name: 'PageInfo',
  description: 'Where a page of a connection ends; pass `endCursor` as `after` for the next page.',
  fields: {
    hasNextPage: { type: new GraphQLNonNull(GraphQLBoolean) },
    startCursor: { type: GraphQLString },
    endCursor: { type: GraphQLString },
  },
});

/** A Relay-style connection type (`nodes`, `edges { cursor node }`, `pageInfo`), as GitLab's API has them. */
export function createConnectionType(name: string, node: GraphQLOutputType): GraphQLObjectType {
  const edge = new GraphQLObjectType({
    name: `${name}Edge`,
    fields: { cursor: { type: new GraphQLNonNull(GraphQLString) }, node: { type: node } },
  });
  return new GraphQLObjectType({
    name: `${name}Connection`,
    fields: {
      nodes: { type: new GraphQLNonNull(new GraphQLList(node)) },
      edges: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(edge))) },
      pageInfo: { type: new GraphQLNonNull(PageInfoType) },
    },
  });
}

/** A page from `limit + 1` rows: the extra row only tells that there is a next page. */
export function toConnection<R, T>(rows: readonly R[], limit: number, cursorOf: (r: R) => string, nodeOf: (rows: R[]) => T[]): Connection<T> {
  const page = rows.slice(0, limit);
  const nodes = nodeOf(page);
  const edges = page.map((r, i) => ({ cursor: cursorOf(r), node: nodes[i]! }));
  return {
    nodes,
    edges,
    pageInfo: { hasNextPage: rows.length > limit, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
  };
}
