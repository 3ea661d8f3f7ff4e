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

/** `first` of a connection: 1 to 100. */
export function checkFirst(first: unknown): number {
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_FIRST) {
    throw new AppError('invalid', `first must be between 1 and ${MAX_FIRST}`);
  }
  return first;
}

export interface OperationMeasure {
  depth: number;
  cost: number;
}

/**
 * Depth and cost of an operation, with its variables, before anything runs.
 * Depth counts nested fields. Cost: a field that returns objects costs 1 per
 * object it can return; a connection's `nodes` and `edges` hold `first`
 * items, a list with `first` that many, other lists DEFAULT_LIST_SIZE (or
 * their field's extensions.listSize). Leaf
 * fields cost nothing. Introspection (`__schema`, `__type`) is not counted,
 * so that tools can always read the schema. Throws a GraphQLError with code
 * `invalid` for a `first` out of range.
 */
export function measureOperation(schema: GraphQLSchema, op: OperationDefinitionNode, fragments: Record<string, FragmentDefinitionNode>, variables: Record<string, unknown>): OperationMeasure {
  const root = schema.getRootType(op.operation);
  if (root === undefined || root === null) return { depth: 0, cost: 0 };
  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType, page: number | undefined, seen: ReadonlySet<string>): OperationMeasure => {
    let depth = 0;
    let cost = 0;
    for (const sel of set.selections) {
      let m: OperationMeasure = { depth: 0, cost: 0 };
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
        const list = isListType(getNullableType(def.type));
        const items = list ? first ?? page ?? (def.extensions.listSize as number | undefined) ?? DEFAULT_LIST_SIZE : 1;
        const childPage = list ? undefined : first;
        const named = getNamedType(def.type);
        const child = sel.selectionSet !== undefined && isCompositeType(named) ? walk(sel.selectionSet, named, childPage, seen) : { depth: 0, cost: 0 };
        m = { depth: 1 + child.depth, cost: items * ((isLeafType(named) ? 0 : 1) + child.cost) };
      } else {
        const fragment = sel.kind === Kind.INLINE_FRAGMENT ? sel : fragments[sel.name.value];
        if (fragment === undefined || (sel.kind === Kind.FRAGMENT_SPREAD && seen.has(sel.name.value))) continue;
        const cond = fragment.typeCondition === undefined ? parent : schema.getType(fragment.typeCondition.name.value);
        if (cond === undefined || !isCompositeType(cond)) continue;
        m = walk(fragment.selectionSet, cond, page, sel.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, sel.name.value]) : seen);
      }
      depth = Math.max(depth, m.depth);
      cost += m.cost;
    }
    return { depth, cost };
  };
  return walk(op.selectionSet, root, undefined, new Set());
}
