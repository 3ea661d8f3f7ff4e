// Object keys whose string values are credentials whatever they look like:
// `password`, `DB_PASSWD`, `api-key`, `Authorization`, `Cookie`,
// `client_secret`, `X-Gitlab-Token`, `private_key`, `aws.access_key` ...
// Case and the separators `-`, `_`, `.` and spaces are ignored. Keys that
// only describe a credential (`password_hint`, `token_type`, `secret_name`,
// `max_tokens`) are not sensitive.

export type SensitiveKind = 'password' | 'secret';

const PASSWORD = /passw(?:or)?d|passphrase|.pwd$/;
const SECRET =
  /(?:secret|token|apikey|privatekey|authorization|cookie|accesskey|secretkey|credentials?|connectionstring|signingkey|encryptionkey|masterkey|accountkey|sessionkey)$|^auth$/;
const DESCRIPTIVE =
  /(?:hint|policy|length|strength|rules?|required|enabled|expiry|expiresat|field|label|prompt|type|mode|count|url|uri|endpoint|name|id|ids|ref|file|path|version)$|^oldpwd$/;

const cache = new Map<string, SensitiveKind | null>();

export function sensitiveKeyKind(key: string): SensitiveKind | null {
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const k = key.toLowerCase().replace(/[-_.\s]/g, '');
  let kind: SensitiveKind | null = null;
  if (!DESCRIPTIVE.test(k)) {
    if (PASSWORD.test(k)) kind = 'password';
    else if (SECRET.test(k)) kind = 'secret';
  }
  if (cache.size >= 4096) cache.clear();
  cache.set(key, kind);
  return kind;
}
