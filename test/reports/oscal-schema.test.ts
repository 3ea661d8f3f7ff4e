import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const file = new URL('../../schemas/oscal/oscal_complete_schema-1.1.3.json', import.meta.url);

describe('the vendored OSCAL schema', () => {
  it('is the file docs/reports.md names, byte for byte', () => {
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe('078848cb4000024a65679110f6ee2d99b300b06471a33fc536b19b670b65aa51');
  });

  it('has the Assessment Results model as one of its roots, for OSCAL 1.1.3', () => {
    const schema = JSON.parse(readFileSync(file, 'utf8')) as { $id: string; oneOf: { required: string[] }[] };
    expect(schema.$id).toContain('1.1.3');
    expect(schema.oneOf.map((b) => b.required[0])).toContain('assessment-results');
  });
});
