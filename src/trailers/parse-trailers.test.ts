import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTrailers, sessionReferences } from './parse-trailers.js';

// Cases whose answers git 2.39.5 gave (git interpret-trailers --parse), and git itself as the oracle where it is installed.
const cases: [string, string, { key: string; value: string }[]][] = [
  ['a trailer paragraph', 'subject\n\nX-GitLab-Duo-Session: abc', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }]],
  ['a title only', 'X-GitLab-Duo-Session: abc', []],
  ['a mixed paragraph without a git prefix', 'subject\n\nbody\nX-GitLab-Duo-Session: abc', []],
  ['a mixed paragraph with Signed-off-by', 'subject\n\nbody\nX-GitLab-Duo-Session: abc\nSigned-off-by: A <a@b.c>', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }, { key: 'Signed-off-by', value: 'A <a@b.c>' }]],
  ['space before the colon', 'subject\n\nX-GitLab-Duo-Session : abc', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }]],
  ['lower case and padding', 'subject\n\nx-gitlab-duo-session:   abc  ', [{ key: 'x-gitlab-duo-session', value: 'abc' }]],
  ['a folded value', 'subject\n\nDuo-Session: https://g.test/a/b/-/automate/\n agent-sessions/9137', [{ key: 'Duo-Session', value: 'https://g.test/a/b/-/automate/ agent-sessions/9137' }]],
  ['a comment after the block', 'subject\n\nX-GitLab-Duo-Session: abc\n\n# comment', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }]],
  ['a diff after the block', 'subject\n\nX-GitLab-Duo-Session: abc\n---\ndiff', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }]],
  ['CRLF line ends', 'subject\r\n\r\nX-GitLab-Duo-Session: abc\r\n', [{ key: 'X-GitLab-Duo-Session', value: 'abc' }]],
  ['an underscore key', 'subject\n\nX_GitLab_Duo_Session: abc', []],
  ['a paragraph after the trailers', 'subject\n\nX-GitLab-Duo-Session: abc\n\nThanks!', []],
];

describe('parseTrailers', () => {
  it.each(cases)('follows git for %s', (_name, message, expected) => {
    expect(parseTrailers(message)).toEqual(expected);
  });

  it('agrees with git interpret-trailers --parse on generated messages', () => {
    const line = fc.oneof(
      fc.constantFrom('X-GitLab-Duo-Session: 9137', 'Duo-Session: https://g.test/p/-/automate/agent-sessions/12', 'Signed-off-by: Dana <d@x.test>', 'Co-authored-by: GitLab Duo <duo@gitlab.com>', 'see https://example.test/x', '  folded', '', 'Body text here.', '# note', 'Key : v'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (body) => {
        const message = `subject\n\n${body.join('\n')}\n`;
        const git = execFileSync('git', ['-c', 'core.commentChar=#', 'interpret-trailers', '--parse'], { input: message }).toString();
        const ours = parseTrailers(message).map((t) => `${t.key}: ${t.value}`).join('\n');
        expect(ours).toBe(git.trimEnd());
      }),
      { numRuns: 200 },
    );
  });
});

describe('sessionReferences', () => {
  it('reads both trailer forms', () => {
    const m = 'fix\n\nCo-authored-by: GitLab Duo <duo@gitlab.com>\nDuo-Session: https://gitlab.example.test/acme/p/-/automate/agent-sessions/9137\nX-GitLab-Duo-Session: 3f0b6c1e\n';
    expect(sessionReferences(m)).toEqual([
      { reference: 'https://gitlab.example.test/acme/p/-/automate/agent-sessions/9137', sessionId: '9137', key: 'Duo-Session' },
      { reference: '3f0b6c1e', sessionId: '3f0b6c1e', key: 'X-GitLab-Duo-Session' },
    ]);
    expect(sessionReferences('fix\n\nDuo-Session: https://evil.test/not-a-session')).toEqual([{ reference: 'https://evil.test/not-a-session', sessionId: null, key: 'Duo-Session' }]);
  });
});
