// How detect-assignment reads the name on the left of `=` or `:`. Names are
// lower-cased before these tests. The benign list follows gitleaks'
// generic-api-key allowlist: names that contain "key", "token" or "auth" but
// hold no secret (primary_key, max_tokens, author, token_type ...).

export const PASSWORD_NAME = /passw(?:or)?d|passphrase|(?:^|[_.-])pass$|[_.-]pwd$/;

export const BENIGN_NAME = new RegExp(
  [
    '^(?:author|authored|authors|authority|keyboard|keyword|keywords|keys|tokens|tokenizer|monkey|donkey|turkey|hotkey|keyframes?|keypress|keydown|keyup)$',
    'access(?:ibility|or)',
    '(?:^|[_.-])(?:bucket|foreign|hot|idx|natural|primary|pub|public|schema|sequence|sort|partition|hash|cache|idempotency|dedupe?|lookup|map|object|row|shard|range|composite|unique|surrogate|routing|message|group|ssh[_.-]?pub)[_.-]?keys?$',
    '(?:token|auth|secret|credentials?|api|key|password|passwd)[_.-]?(?:type|method|mode|count|limit|url|uri|endpoint|name|ref|path|file|expiry|expires(?:[_.-]?(?:at|in))?|ttl|length|usage|scopes?|provider|header|kind|version|format|policy|rotation|strength|hint|prompt|label|field|env|var|store|manager|source|required|enabled)$',
    '(?:token|auth|api|key|credentials?)[_.-]?ids?$',
    '(?:max|min|input|output|total|prompt|completion|cached|reasoning|num)[_.-]?tokens?$',
    'csrf[_.-]?token',
    'public[_.-]?(?:token|key)',
  ].join('|'),
);

export const AWS_SECRET_NAME = /secret[_.-]?access[_.-]?key|aws[_.-]?secret/;
export const GCP_KEY_ID_NAME = /^private[_.-]?key[_.-]?id$/;

/** Words that, after `password:` with no quotes, mean prose or a type, not a password. */
export const NOT_A_PASSWORD = new Set([
  'the', 'a', 'an', 'is', 'are', 'was', 'were', 'be', 'been', 'must', 'should', 'will', 'would', 'can',
  'could', 'may', 'not', 'no', 'yes', 'required', 'optional', 'see', 'use', 'set', 'enter', 'type',
  'provide', 'and', 'or', 'to', 'of', 'for', 'with', 'in', 'on', 'at', 'it', 'this', 'that', 'as', 'if',
  'when', 'from', 'by', 'field', 'value', 'string', 'str', 'number', 'int', 'integer', 'bool',
  'boolean', 'any', 'unknown', 'object', 'bytes', 'text', 'varchar', 'secretstr', 'reset', 'changed',
  'expired', 'invalid', 'incorrect', 'wrong', 'missing', 'updated', 'stored', 'sent', 'used',
]);
