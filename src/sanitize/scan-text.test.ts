import { describe, expect, it } from 'vitest';
import { PATHOLOGICAL_TEXTS } from '../../bench/fixtures/pathological-text.js';
import { createSanitizer } from './index.js';

// Table-driven samples per kind, run through the public sanitizer. Every
// value is made up; bodies are cut from one random-looking alphabet so that
// they pass the entropy checks real keys pass.

const sanitizer = createSanitizer({ key: Buffer.from('scan-text-test-key-0123456789abcdef') });

const ALNUM = 'q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5Fg0RsA';
const HEX = 'a3f9c1e7b2d84f065e1c9b7a2d4f8e03';
const UPPER32 = 'Z7Q4R2LMNOP3STUVWXYKBCDEFGH5J6A';
const LETTERS = 'qLmXvKpTzWnYbHcJdFgRsAeUiOoPlMkNjB';
const B64 = 'Kq9vB2xL7mN4pR8sT1wY6zA3cD5eF0gH2jJ4k/L6n+Pq';

function cut(alphabet: string, n: number): string {
  return alphabet.repeat(Math.ceil(n / alphabet.length)).slice(0, n);
}

/** [kind, secret, text around it (the secret goes where `$` is)] */
const positives: [string, string, string][] = [
  ['aws_access_key_id', `AKIA${cut(UPPER32, 16)}`, 'aws configure set aws_access_key_id $ --profile ci'],
  ['aws_access_key_id', `ASIA${cut(UPPER32, 16)}`, 'temporary creds: $'],
  ['aws_secret_access_key', cut(B64, 40), 'aws_secret_access_key = $'],
  ['aws_secret_access_key', cut(B64, 40), 'export AWS_SECRET_ACCESS_KEY="$"'],
  ['gcp_api_key', `AIza${cut(ALNUM, 33)}-_`, 'const maps = new Maps({ key: "$" })'],
  ['gcp_service_account_key', cut(HEX, 40), '{"type":"service_account","private_key_id":"$"}'],
  ['azure_storage_key', `${cut(B64, 86)}==`, 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=$;EndpointSuffix=core.windows.net'],
  ['github_token', `ghp_${cut(ALNUM, 36)}`, 'export GITHUB_TOKEN=$'],
  ['github_token', `gho_${cut(ALNUM, 36)}`, 'oauth token $ expired'],
  ['github_token', `ghs_${cut(ALNUM, 36)}`, 'git clone https://x-access-token:$@github.com/org/repo.git'],
  ['github_token', `ghu_${cut(ALNUM, 36)}`, 'user-to-server $'],
  ['github_token', `ghr_${cut(ALNUM, 36)}`, 'refresh with $'],
  ['github_token', `github_pat_11ABCDEFG0_${cut(ALNUM, 59)}`, 'fine-grained: $'],
  ['gitlab_token', `glpat-${cut(ALNUM, 20)}`, 'Use the token $ to clone the mirror.'],
  ['gitlab_token', 'glpat-bzox79Of-KE9FD2LjoXXF4CvyxA.0r03gxo7s', 'routable $ here'],
  ['gitlab_token', `glpat-${cut(ALNUM, 27)}.01.0z11111is`, 'curl -H "PRIVATE-TOKEN: $" https://gitlab.example.com/api/v4/user'],
  ['gitlab_token', `gldt-${cut(ALNUM, 20)}`, 'deploy token $'],
  ['gitlab_token', `glrt-${cut(ALNUM, 20)}`, 'gitlab-runner register --token $'],
  ['gitlab_token', `glrt-t1_${cut(ALNUM, 27)}.0w1x2y3z4`, 'runner token $'],
  ['gitlab_token', `glrtr-${cut(ALNUM, 20)}`, 'runner registration $'],
  ['gitlab_token', `GR1348941${cut(ALNUM, 20)}`, 'legacy registration token $'],
  ['gitlab_token', `glcbt-64_${cut(ALNUM, 20)}`, 'CI_JOB_TOKEN=$'],
  ['gitlab_token', `glptt-${cut(HEX, 40)}`, 'trigger with $'],
  ['gitlab_token', `glft-${cut(ALNUM, 20)}`, 'feed token $'],
  ['gitlab_token', `glimt-${cut(ALNUM, 25)}`, 'incoming mail $'],
  ['gitlab_token', `glagent-${cut(ALNUM, 50)}`, 'agent token $'],
  ['gitlab_token', `gloas-${cut(ALNUM, 64)}`, 'oauth app secret $'],
  ['gitlab_token', `glsoat-${cut(ALNUM, 20)}`, 'SCIM token $'],
  ['gitlab_token', `glffct-${cut(ALNUM, 20)}`, 'feature flag client $'],
  ['gitlab_token', `glwt-${cut(ALNUM, 20)}`, 'workspace token $'],
  ['gitlab_token', cut(HEX, 32), 'Cookie: _gitlab_session=$; path=/'],
  ['slack_token', `xoxb-123456789012-1234567890123-${cut(ALNUM, 24)}`, 'SLACK_BOT_TOKEN=$'],
  ['slack_token', `xoxp-123456789012-123456789012-123456789012-${cut(HEX, 32)}`, 'user token $'],
  ['slack_token', `xapp-1-A0123456789-1234567890123-${cut(HEX, 64)}`, 'socket mode $'],
  ['slack_webhook', `https://hooks.slack.com/services/T0ABCDEF1/B0ABCDEF2/${cut(ALNUM, 24)}`, 'post to $ on failure'],
  ['discord_webhook', `https://discord.com/api/webhooks/123456789012345678/${cut(ALNUM, 68)}`, 'webhook: $'],
  ['stripe_key', `sk_live_${cut(ALNUM, 24)}`, 'stripe.api_key = "$"'],
  ['stripe_key', `rk_live_${cut(ALNUM, 24)}`, 'restricted $'],
  ['stripe_key', `sk_test_${cut(ALNUM, 24)}`, 'test mode $'],
  ['stripe_key', `whsec_${cut(ALNUM, 32)}`, 'endpoint secret $'],
  ['square_token', `sq0atp-${cut(ALNUM, 22)}`, 'square $'],
  ['openai_api_key', `sk-proj-${cut(ALNUM, 64)}T3BlbkFJ${cut(ALNUM, 64)}`, 'OPENAI_API_KEY=$'],
  ['openai_api_key', `sk-${cut(ALNUM, 20)}T3BlbkFJ${cut(ALNUM, 20)}`, 'legacy key $'],
  ['anthropic_api_key', `sk-ant-api03-${cut(ALNUM, 93)}AA`, 'client = Anthropic(api_key="$")'],
  ['huggingface_token', `hf_${cut(LETTERS, 34)}`, 'HF_TOKEN=$ huggingface-cli login'],
  ['npm_token', `npm_${cut(ALNUM, 36)}`, '//registry.npmjs.org/:_authToken=$'],
  ['pypi_token', `pypi-AgEIcHlwaS5vcmc${cut(ALNUM, 60)}`, 'twine upload -p $'],
  ['sendgrid_api_key', `SG.${cut(ALNUM, 22)}.${cut(ALNUM, 43)}`, 'SENDGRID_API_KEY=$'],
  ['twilio_api_key', `SK${cut(HEX, 32)}`, 'twilio api key $'],
  ['grafana_token', `glsa_${cut(ALNUM, 32)}_${cut(HEX, 8)}`, 'grafana $'],
  ['digitalocean_token', `dop_v1_${cut(HEX, 64)}`, 'doctl auth init -t $'],
  ['shopify_token', `shpat_${cut(HEX, 32)}`, 'X-Shopify-Access-Token: $'],
  [
    'jwt',
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'Authorization: Bearer $',
  ],
  ['bearer_token', `${cut(ALNUM, 40)}`, 'curl -H "Authorization: Bearer $" https://api.example.com'],
  ['basic_auth', 'YWxpY2U6czNjcjN0LXBhc3M=', 'Authorization: Basic $'],
  ['password', 'hunter2', 'password=$'],
  ['password', 'S3cr3t!', 'DATABASE_URL=postgres://app:$@db/x'],
  ['password', 'r3dis-Pa55', 'redis://:$@cache.internal:6379/0'],
  ['password', 'p@ss w0rd', '{"password": "$"}'],
  ['password', 'letmein', 'PASSWORD: $'],
  ['password', 'Tr0ub4dor&3', 'db_password: "$"'],
  ['password', 'correct-horse', '--password=$'],
  ['password', 'pa55word!', '{\\"password\\":\\"$\\"}'],
  ['password', 'Zx9-pass', 'jdbc:postgresql://db:5432/app?user=app&password=$&ssl=true'],
  ['password', 'Sup3rS3cret', 'password: str = "$"'],
  ['password', 'secret', 'PGPASSWORD=$ psql -h db -U app'],
  ['generic_secret', cut(HEX, 32), 'api_key = "$"'],
  ['generic_secret', cut(ALNUM, 24), 'WEBHOOK_SECRET=$'],
  ['generic_secret', cut(ALNUM, 30), 'X-Api-Key: $'],
  ['email', 'maria.lopez@acme.io', 'Please email $ about the outage.'],
  ['email', 'ops+alerts@corp.example.co.uk', 'cc: $'],
  ['phone', '+1 415 555 0132', 'call back at $ after lunch'],
  ['phone', '+14155550132', 'sms to $'],
  ['phone', '+44 20 7946 0958', 'London office $'],
  ['phone', '(415) 555-0199', 'desk: $'],
  ['phone', '415-555-0199', 'mobile $'],
  ['payment_card', '4111 1111 1111 1111', 'Refund card $ for order 4821.'],
  ['payment_card', '5555555555554444', 'card=$'],
  ['payment_card', '3782-822463-10005', 'amex $'],
  ['iban', 'DE89 3704 0044 0532 0130 00', 'Wire the deposit to $ before Friday.'],
  ['iban', 'GB82WEST12345698765432', 'iban: $'],
  ['iban', 'FR14 2004 1010 0505 0001 3M02 606', 'compte $'],
  ['iban', 'SK31 1200 0000 1987 4263 7541', 'ucet $'],
  ['iban', 'GR1601101250000000012300695', 'Greek IBAN $ (starts like a GitLab GR1348941 token)'],
  ['us_ssn', '123-45-6789', 'Applicant SSN $ was typed into the form.'],
  ['uk_nino', 'AB 12 34 56 C', 'NI number $'],
  ['ip_address', '10.20.30.40', 'ssh deploy@$ "systemctl restart worker"'],
  ['ip_address', '203.0.113.7', 'client $ was rate limited'],
  ['ip_address', '2001:db8::8a2e:370:7334', 'from $ over v6'],
  ['ip_address', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', 'full form $.'],
  ['ip_address', 'fe80::1ff:fe23:4567:890a', 'link local $'],
  ['ip_address', '::1', 'listening on [$]:8080'],
];

describe('sanitizeText positives', () => {
  it.each(positives)('redacts %s in %j', (kind, secret, template) => {
    const text = template.replace('$', secret);
    const { text: out, findings } = sanitizer.sanitizeText(text);
    expect(out).not.toContain(secret);
    const start = text.indexOf(secret);
    expect(findings).toContainEqual(expect.objectContaining({ kind, start, end: start + secret.length }));
    expect(out).toBe(template.replace('$', `[REDACTED:${kind}:${findings[0]?.fingerprint ?? ''}]`));
  });
});

const privateKeys: [string, string][] = [
  ['RSA', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF8PbnGy0AHB7Lx1p\nq9vB2xL7mN4pR8sT1wY6zA3cD5eF0gH2jJ4kL6nPq==\n-----END RSA PRIVATE KEY-----'],
  ['OPENSSH', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACDm\n-----END OPENSSH PRIVATE KEY-----'],
  ['EC', '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oQk8YZ5c0vNpoAoGCCqGSM49\n-----END EC PRIVATE KEY-----'],
  ['PKCS8 Ed25519', '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF\n-----END PRIVATE KEY-----'],
  ['ENCRYPTED', '-----BEGIN ENCRYPTED PRIVATE KEY-----\r\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\r\n-----END ENCRYPTED PRIVATE KEY-----'],
  ['PGP', '-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: GnuPG v2\n\nlQOYBF0t2mEBCADGq9vB2xL7mN4pR8sT1wY6zA3cD5eF0gH2jJ4kL6nPq\n=XyZ1\n-----END PGP PRIVATE KEY BLOCK-----'],
  ['escaped in JSON', '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\nq9vB2xL7mN4pR8sT\\n-----END PRIVATE KEY-----'],
];

describe('private keys', () => {
  it.each(privateKeys)('redacts a %s key from BEGIN through END', (_name, pem) => {
    const text = `key:\n${pem}\nafter`;
    const { text: out, findings } = sanitizer.sanitizeText(text);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'private_key', start: 5, end: 5 + pem.length });
    expect(out).toMatch(/^key:\n\[REDACTED:private_key:[0-9a-f]{8}\]\nafter$/);
  });

  it('redacts a JSON service-account key whose newlines are escaped', () => {
    const json = JSON.stringify({ type: 'service_account', private_key: privateKeys[0]?.[1] ?? '' });
    const { text: out } = sanitizer.sanitizeText(json);
    expect(out).toMatch(/"private_key":"\[REDACTED:private_key:[0-9a-f]{8}\]"/);
    expect(out).not.toContain('MIIE');
  });

  it('redacts a truncated key up to where its body ends', () => {
    const text = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA0Z3VS5JJcds3xfn\n(truncated) rest of the log';
    const { text: out } = sanitizer.sanitizeText(text);
    expect(out).toMatch(/^\[REDACTED:private_key:[0-9a-f]{8}\]\n\(truncated\) rest of the log$/);
  });

  it('leaves certificates and public keys alone', () => {
    const text = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n-----BEGIN PUBLIC KEY-----\nMCow\n-----END PUBLIC KEY-----';
    expect(sanitizer.sanitizeText(text).findings).toEqual([]);
  });
});

const negatives: [string, string][] = [
  ['GitHub placeholder', 'export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'],
  ['GitLab placeholder', 'token: glpat-XXXXXXXXXXXXXXXXXXXX'],
  ['routable GitLab placeholder', 'glpat-xxxxxxxx-xxxxxxxxxxxxxxxxxx.xxxxxxxxx'],
  ['angle-bracket hint', 'Authorization: Bearer <your-token-here>'],
  ['env reference', 'api_key: ${API_KEY}'],
  ['template', 'password: {{ secret }}'],
  ['GitHub Actions secret', 'token: ${{ secrets.GITLAB_TOKEN }}'],
  ['Slack placeholder', 'SLACK_BOT_TOKEN=xoxb-your-bot-token-here'],
  ['AWS documentation key', 'AKIAIOSFODNN7EXAMPLE'],
  ['code reference', 'password: process.env.DB_PASSWORD,'],
  ['function call', 'const password = readPassword();'],
  ['environment lookups', 'password = os.environ["DB_PASSWORD"]; token = getenv("GITLAB_TOKEN")'],
  ['key file paths', 'ssh_key: ~/.ssh/id_ed25519, key_path: /etc/ssl/private/server.key, token_file=./secrets/token'],
  ['type annotation', 'interface Login { password: string; token?: string }'],
  ['empty value', '{"password": "", "token": null}'],
  ['prose after password:', 'Your password: must be at least 12 characters.'],
  ['git SHA', 'commit 3f9a1c0b2d4e5f60718293a4b5c6d7e8f9012345 merged into main'],
  ['UUID', 'session 123e4567-e89b-12d3-a456-426614174000 started'],
  ['ISO timestamp', '2024-05-01T12:34:56.789Z INFO [worker-3] job=deliver id=4821 attempt=2 duration_ms=137'],
  ['version numbers', 'Upgraded node from 18.8.0 to 20.11.1 and typescript 5.4 to 5.9 (v1.2.3, 18.8)'],
  ['plain ids', 'order 9137 and ticket 4821, pipeline 123456, PR !42, issue #1234'],
  ['epoch milliseconds', 'created_at=1714000000000 updated_at=1714000123456'],
  ['card failing Luhn', 'card 4111 1111 1111 1112 was declined'],
  ['IBAN failing mod-97', 'iban DE89370400440532013001'],
  ['invalid SSN areas', '000-12-3456 666-12-3456 900-12-3456 123-00-4567 123-45-0000'],
  ['dates and times', 'between 2024-05-01 and 2024-06-30 at 12:34:56'],
  ['MAC address', 'mac 00:1a:2b:3c:4d:5e'],
  ['C++ and Ruby paths', 'std::vector and Foo::Bar and dead::beef'],
  ['git remote', 'git@github.com:org/repo.git'],
  ['retina image', 'icon@2x.png and npm i @scope/pkg@1.2.3'],
  ['host and port', 'http://localhost:8080/health and https://example.com:8443/path'],
  ['benign key names', 'max_tokens: 4096, token_type: bearer, author: Jane, primary_key = id, keyboard: us'],
  ['prose about auth', 'We use a Bearer token for auth; see the Basic usage section.'],
  ['identifier values', 'token: token, api_key: apiKey, secret: mySecretName'],
  ['library names', 'pip install scikit-learn (sk-learn) and use hf_hub_download'],
  ['SQL', "SELECT id FROM deliveries WHERE created_at > now() - interval '30 days' LIMIT 500;"],
  ['math', 'x = (1 + 2) * 3; y = a+1234'],
];

describe('sanitizeText negatives', () => {
  it.each(negatives)('leaves %s alone', (_name, text) => {
    const { text: out, findings } = sanitizer.sanitizeText(text);
    expect(findings).toEqual([]);
    expect(out).toBe(text);
  });
});

// How fast the sanitizer gets through these inputs is measured in bench/sanitize.ts (against
// ordinary text of the same size), never here. At 1 MB a detector that backtracks
// catastrophically runs for minutes, so a regression still fails this test, by its timeout.
describe('pathological input', () => {
  it.each(PATHOLOGICAL_TEXTS)('answers 1 MB of %s with an output that is the input with exactly its findings redacted', (_name, text) => {
    const { text: out, findings } = sanitizer.sanitizeText(text);
    let expected = '';
    let at = 0;
    for (const f of findings) {
      expect(f.start).toBeGreaterThanOrEqual(at);
      expected += `${text.slice(at, f.start)}[REDACTED:${f.kind}:${f.fingerprint}]`;
      at = f.end;
    }
    expected += text.slice(at);
    expect(out.length).toBe(expected.length);
    expect(out === expected).toBe(true);
  }, 60_000);
});
