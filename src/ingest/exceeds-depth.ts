/**
 * True when a parsed JSON value nests objects and arrays more than `max`
 * levels deep. Iterative, so any depth JSON.parse accepted is measured without
 * recursion; every recursive walk after it (validation, sanitizing,
 * canonical JSON) then only sees bounded input.
 */
export function exceedsDepth(value: unknown, max: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: { value: object; depth: number }[] = [{ value, depth: 1 }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    if (top.depth > max) return true;
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child as object, depth: top.depth + 1 });
    }
  }
  return false;
}
