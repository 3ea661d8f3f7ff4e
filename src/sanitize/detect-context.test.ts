import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

const sanitizer = createSanitizer({ key: Buffer.from('detect-context-test-key') });
const kindsIn = (text: string): [string, string][] => sanitizer.sanitizeText(text).findings.map((f) => [f.kind, text.slice(f.start, f.end)]);

describe('secrets named by the words around them', () => {
  it.each([
    ['The password for the staging database is Sommer2024!', 'password', 'Sommer2024!'],
    ['Das Passwort für den Server lautet Fenster1999#', 'password', 'Fenster1999#'],
    ['Le mot de passe de la base est Soleil_2231&', 'password', 'Soleil_2231&'],
    ['La contraseña del servidor es Verano2020?', 'password', 'Verano2020?'],
    ['A senha do banco é azul-rot-123', 'password', 'azul-rot-123'],
    ["La password dell'utente admin è Gatto1995*", 'password', 'Gatto1995*'],
    ['Het wachtwoord voor de database is Fiets2001!x', 'password', 'Fiets2001!x'],
    ['Kennwort: Tr0ub4dor&3', 'password', 'Tr0ub4dor&3'],
    ["I changed it to Adm1n!str8x yesterday, that's the new login password.", 'password', 'Adm1n!str8x'],
    ['The AWS secret key is R0ACZwuYu9gVzhbDRTlCfKO+NMBBr3NkMWSgRctC, keep it safe', 'aws_secret_access_key', 'R0ACZwuYu9gVzhbDRTlCfKO+NMBBr3NkMWSgRctC'],
    ['Der API-Schlüssel lautet 9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'generic_secret', '9f8e7d6c5b4a39281706f5e4d3c2b1a0'],
    ["La clé d'API du service est CEOtzc1NZElGMiOnDCxFOcydmsa46ZG", 'generic_secret', 'CEOtzc1NZElGMiOnDCxFOcydmsa46ZG'],
    ['De API-sleutel is q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5', 'generic_secret', 'q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5'],
    ['the request failed because the key zVRCTEHJ6YkSGmw9hpo1asRaoame was revoked', 'generic_secret', 'zVRCTEHJ6YkSGmw9hpo1asRaoame'],
  ])('%s', (text, kind, value) => {
    expect(kindsIn(text)).toEqual([[kind, value]]);
  });

  it.each([
    'Reset your password in the settings page; the link expires after 24 hours.',
    'The password policy requires 12 characters and one digit.',
    'Passwort vergessen? Klicken Sie auf den Link in der E-Mail.',
    'Le mot de passe doit contenir au moins 12 caractères.',
    'Rotate the API key every 90 days and store the token in the vault.',
    'The prompt used 12,345 tokens; max_tokens=4096.',
    'The token refresh fix is in 3f9a1c0b2d4e5f60718293a4b5c6d7e8f9012345.',
    'password = os.environ["DB_PASSWORD"]',
    'let key = keyring.get_password("flowtrail", user)?;',
    'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'The docs use the secret key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY as a placeholder.',
    'Der Schlüssel zum Erfolg ist ein kleiner Merge Request.',
    'sha256 checksum of the key file: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.',
  ])('leaves %s alone', (text) => {
    expect(kindsIn(text)).toEqual([]);
  });
});
