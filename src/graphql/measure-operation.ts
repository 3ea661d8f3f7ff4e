import {
  GraphQLError, getArgumentValues, getNamedType, getNullableType, isCompositeType, isLeafType, isListType, Kind,
  type FragmentDefinitionNode, type GraphQLCompositeType, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode,
} from 'graphql';
import { AppError } from '../errors.js';

export const MAX_DEPTH = 8;
export const MAX_COST = 5000;
export const MAX_FIRST = 100;
/** What a list without paging arguments is assumed to hold, unless its field says (extensions.listSize). */
export const DEFAULT_LIST_SIZE = 10;
/**
 * Costs saturate here: far above MAX_COST, and small enough that a product
 * with a list's size stays an exact integer (2^40 x 2^12 < 2^53). A part of
 * the operation that reaches it stops the walk.
 */
export const COST_CEILING = 2 ** 40;
/** Most selections the walk visits (each fragment once per page size it is spread under); the 10,000 tokens a document may have hold fewer than 5,000. */
export const MAX_WORK = 100_000;

/** `first` of a connection: 1 to 100. */
export function checkFirst(first: unknown): number {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw new AppError('invalid', `first must be between 1 and ${MAX_FIRST}`);
  }
  return first;
}

export interface OperationMeasure {
  depth: number;
  /** Exact below COST_CEILING; COST_CEILING means "at least that". */
  cost: number;
}

const NONE: OperationMeasure = { depth: 0, cost: 0 };

/**
 * Depth and cost of an operation, with its variables, before anything runs.
 * Depth counts nested fields. Cost: a field that returns objects costs 1 per
 * object it can return; a connection's `nodes` and `edges` hold `first`
 * items, a list with `first` that many, other lists DEFAULT_LIST_SIZE (or
 * their field's extensions.listSize). Leaf fields cost nothing, except a
 * JSON field marked extensions.jsonList (a list of objects asked without a
 * selection, like `decisionsLog`), which costs as that list; every alias
 * and every repeated field is counted. Introspection (`__schema`, `__type`)
 * is not counted, so that tools can always read the schema (graphql-js's
 * MaxIntrospectionDepthRule bounds it).
 *
 * The walk takes time linear in the document: each fragment is measured once
 * per page size it is spread under and remembered (a fragment spread twice in
 * each of 30 nested fragments is not walked 2^30 times), a fragment that
 * spreads itself is refused, costs saturate at COST_CEILING (which stops the
 * walk), and at most MAX_WORK selections are visited. Throws a GraphQLError:
 * code `invalid` for a `first` out of range, `GRAPHQL_VALIDATION_FAILED` for
 * a fragment cycle or an unknown fragment, `QUERY_TOO_COMPLEX` over MAX_WORK.
 */
export function measureOperation(schema: GraphQLSchema, op: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): OperationMeasure {
  const root = schema.getRootType(op.operation);
  if (root === undefined || root === null) return NONE;
  const measured = new Map<string, OperationMeasure>();
  const inProgress = new Set<string>();
  let work = 0;

  const spread = (name: string, page: number | undefined, node: SelectionSetNode['selections'][number]): OperationMeasure => {
    const key = `${name}\u0000${page ?? ''}`;
    const known = measured.get(key);
    if (known !== undefined) return known;
    const fragment = fragments[name];
    if (fragment === undefined) throw new GraphQLError(`unknown fragment ${name}`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    if (inProgress.has(key)) throw new GraphQLError(`fragment ${name} spreads itself`, { nodes: [node], extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const cond = schema.getType(fragment.typeCondition.name.value);
    if (cond === undefined || !isCompositeType(cond)) return NONE;
    inProgress.add(key);
    const m = walk(fragment.selectionSet, cond, page);
    inProgress.delete(key);
    measured.set(key, m);
    return m;
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, page: number | undefined): OperationMeasure => {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      work += 1;
      if (work > MAX_WORK) {
        throw new GraphQLError(`the query is too complex to measure (over ${MAX_WORK} selections, counting each fragment where it is spread)`, { extensions: { code: 'QUERY_TOO_COMPLEX', maxWork: MAX_WORK } });
      }
      let m = NONE;
      if (sel.kind === Kind.FIELD) {
        if (sel.name.value.startsWith('__') || !('getFields' in parent)) continue;
        const def = parent.getFields()[sel.name.value];
        if (def === undefined) continue;
        const args = getArgumentValues(def, sel, variables);
        let first: number | undefined;
        if ('first' in args) {
          try {
            first = checkFirst(args.first);
          } catch (err) {
            throw new GraphQLError((err as Error).message, { nodes: [sel], extensions: { code: 'invalid' } });
          }
        }
        // A list with `first` holds that many; a connection (an object with `first`) passes it to its nodes and edges.
        // A JSON field marked extensions.jsonList holds a list of objects without a selection (decisionsLog): priced as that list.
        const jsonList = def.extensions.jsonList === true;
        const list = jsonList || isListType(getNullableType(def.type));
        const listSize = def.extensions.listSize;
        const items = list ? first ?? page ?? (typeof listSize === 'number' ? Math.min(Math.max(listSize, 1), 4096) : DEFAULT_LIST_SIZE) : 1;
        const childPage = list ? undefined : first;
        const named = getNamedType(def.type);
        const child = sel.selectionSet !== undefined && isCompositeType(named) ? walk(sel.selectionSet, named, childPage) : NONE;
        m = { depth: 1 + child.depth, cost: Math.min(COST_CEILING, items * ((isLeafType(named) && !jsonList ? 0 : 1) + child.cost)) };
      } else if (sel.kind === Kind.FRAGMENT_SPREAD) {
        m = spread(sel.name.value, page, sel);
      } else {
        const cond = sel.typeCondition === undefined ? parent : schema.getType(sel.typeCondition.name.value);
        if (cond === undefined || !isCompositeType(cond)) continue;
        m = walk(sel.selectionSet, cond, page);
      }
      depth = Math.max(depth, m.depth);
      cost = Math.min(COST_CEILING, cost + m.cost);
      if (cost >= COST_CEILING) break;
    }
    return { depth, cost };
  };
  return walk(op.selectionSet, root, undefined);
}
