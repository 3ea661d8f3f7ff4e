import { ATTRIBUTES, OPERATIONS } from './genai-attributes.js';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The two tables of docs/otel.md (operations, then attributes), rendered from the mapping itself. */
export function renderMappingTables(): string {
  const ops = ['| gen_ai.operation.name | becomes |', '| --- | --- |', ...OPERATIONS.map((o) => `| ${cell(o.operation)} | ${cell(o.becomes)} |`)];
  const attrs = ['| attribute (older names after the first) | read on | becomes |', '| --- | --- | --- |',
    ...Object.values(ATTRIBUTES).map((a) => `| ${a.attributes.map((n) => `\`${n}\``).join(', ')} | ${cell(a.on)} | ${cell(a.field)} |`)];
  return `${ops.join('\n')}\n\n${attrs.join('\n')}\n`;
}
