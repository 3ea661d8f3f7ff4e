import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

const known = ['Oluwaseun Adeyemi', 'oadeyemi', 'Xiulan Zhou', 'xzhou'];
const sanitizer = createSanitizer({ key: Buffer.from('detect-name-test-key'), knownPeople: () => known });
const names = (text: string): string[] =>
  sanitizer.sanitizeText(text).findings.filter((f) => f.kind === 'person_name').map((f) => text.slice(f.start, f.end));

describe('person names', () => {
  it.each([
    ['Please ask Maria Schneider to review the migration.', 'Maria Schneider'],
    ['cc Thomas de Vries', 'Thomas de Vries'],
    ['Bitte mit Lukas Müller abstimmen, bevor wir deployen.', 'Lukas Müller'],
    ["D'après Claire Moreau, le test échoue depuis lundi.", 'Claire Moreau'],
    ['Laut Björn Eriksson ist das Zertifikat abgelaufen.', 'Björn Eriksson'],
    ['Ask Ngozi Okafor whether the change is approved.', 'Ngozi Okafor'],
    ['Dr. Wei Zhang signed off.', 'Wei Zhang'],
    ['Oluwaseun Adeyemi approved the merge request yesterday.', 'Oluwaseun Adeyemi'],
    ['thanks @xzhou for the fix', 'xzhou'],
  ])('%s', (text, name) => {
    expect(names(text)).toEqual([name]);
  });

  it.each([
    'Open a Merge Request against the Release Branch and ask for Code Review.',
    'We deploy to Google Cloud Run in New York and San Francisco.',
    'Grace Period and Mark Complete are buttons in the Billing Settings page.',
    'Visual Studio Code shows the GitLab Workflow extension.',
    'thanks @someone-else for the fix',
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit.',
  ])('leaves %s alone', (text) => {
    expect(names(text)).toEqual([]);
  });

  it('keeps a known username where the event says who did it', () => {
    const { value } = sanitizer.sanitizeValue({ user: { username: 'oadeyemi', name: 'Oluwaseun Adeyemi' }, note: 'Oluwaseun Adeyemi approved' });
    expect(value.user.username).toBe('oadeyemi');
    expect(value.note).toMatch(/^\[REDACTED:person_name:[0-9a-f]{8}\] approved$/);
  });
});
