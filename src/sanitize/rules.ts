// Vendor-prefixed credentials as data, ported from gitleaks' default rules
// (config/gitleaks.toml) and GitLab's token-prefix table
// (docs.gitlab.com/security/tokens/#token-prefixes), with the inline-flag
// syntax rewritten for V8. Each rule fires only where one of its keywords
// starts a word; the sticky pattern is then tried at that spot. Quantifiers
// are bounded and never nested, so a rule costs constant time per keyword hit.

export interface PrefixRule {
  kind: string;
  /** Literal prefixes that trigger the rule where they start a word. */
  keywords: readonly string[];
  /** Sticky pattern tried at the keyword's position. */
  pattern: RegExp;
  /** Capture group holding the secret; it must end the match. Default: the whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy of the secret (gitleaks' `entropy`). */
  minEntropy?: number;
  validate?: (secret: string) => boolean;
  /** Extend the finding left over an `http(s)://` right before the keyword. */
  withScheme?: boolean;
}

const GITLAB_PREFIXES = [
  'glpat-', 'gldt-', 'glrt-', 'glrtr-', 'glcbt-', 'glptt-', 'glft-', 'glimt-', 'glagent-', 'gloas-',
  'glsoat-', 'glffct-', 'glwt-',
];

export const PREFIX_RULES: readonly PrefixRule[] = [
  {
    kind: 'aws_access_key_id',
    keywords: ['AKIA', 'ASIA', 'ABIA', 'ACCA', 'A3T'],
    pattern: /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}(?![A-Za-z0-9])/y,
    minEntropy: 3,
    validate: (secret) => !secret.endsWith('EXAMPLE'),
  },
  { kind: 'gcp_api_key', keywords: ['AIza'], pattern: /AIza[\w-]{35}(?![\w-])/y, minEntropy: 3.5 },
  {
    kind: 'azure_storage_key',
    keywords: ['AccountKey=', 'SharedAccessKey='],
    pattern: /(?:AccountKey|SharedAccessKey)=([A-Za-z0-9+/]{40,100}={0,2})/y,
    secretGroup: 1,
    minEntropy: 3.5,
  },
  {
    kind: 'github_token',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    pattern: /gh[pousr]_[A-Za-z0-9]{36,251}(?![A-Za-z0-9])/y,
    minEntropy: 3,
  },
  {
    kind: 'github_token',
    keywords: ['github_pat_'],
    pattern: /github_pat_[A-Za-z0-9_]{22,255}(?![A-Za-z0-9_])/y,
    minEntropy: 3,
  },
  {
    // Classic 20-character bodies and the routable forms `<body>.<2><7>` and
    // `<body>.<2>.<2><7>` (gitleaks issue #1655, betterleaks PR #83).
    kind: 'gitlab_token',
    keywords: GITLAB_PREFIXES,
    pattern: /gl(?:pat|dt|rtr?|cbt|ptt|ft|imt|agent|oas|soat|ffct|wt)-[A-Za-z0-9_-]{20,300}(?:\.[0-9a-z]{2,9}){0,2}(?![A-Za-z0-9_-])/y,
    minEntropy: 3,
  },
  { kind: 'gitlab_token', keywords: ['GR1348941'], pattern: /GR1348941[\w-]{20,64}(?![\w-])/y, minEntropy: 3 },
  {
    kind: 'gitlab_token',
    keywords: ['_gitlab_session='],
    pattern: /_gitlab_session=([0-9a-z]{32,64})(?![0-9a-z])/y,
    secretGroup: 1,
    minEntropy: 3,
  },
  {
    kind: 'slack_token',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'],
    pattern: /xox[abposre]-[A-Za-z0-9-]{10,250}(?![A-Za-z0-9-])/y,
    minEntropy: 2.5,
  },
  { kind: 'slack_token', keywords: ['xoxe.xoxb-', 'xoxe.xoxp-'], pattern: /xoxe\.xox[bp]-\d-[A-Za-z0-9]{100,200}/y },
  {
    kind: 'slack_token',
    keywords: ['xapp-'],
    pattern: /xapp-\d-[A-Za-z0-9]{1,64}-\d{1,20}-[A-Za-z0-9]{1,128}(?![A-Za-z0-9])/y,
    minEntropy: 2.5,
  },
  {
    kind: 'slack_webhook',
    keywords: ['hooks.slack.com'],
    pattern: /hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,120}/y,
    withScheme: true,
  },
  {
    kind: 'discord_webhook',
    keywords: ['discord.com/api/webhooks/', 'discordapp.com/api/webhooks/'],
    pattern: /discord(?:app)?\.com\/api\/webhooks\/\d{5,30}\/[A-Za-z0-9_-]{30,100}/y,
    withScheme: true,
  },
  {
    kind: 'teams_webhook',
    keywords: ['webhook.office.com/'],
    pattern: /webhook\.office\.com\/webhookb2\/[A-Za-z0-9@/-]{60,300}/y,
  },
  {
    kind: 'stripe_key',
    keywords: ['sk_live_', 'sk_test_', 'sk_prod_', 'rk_live_', 'rk_test_', 'rk_prod_'],
    pattern: /[rs]k_(?:live|test|prod)_[A-Za-z0-9]{10,247}(?![A-Za-z0-9])/y,
    minEntropy: 2.5,
  },
  { kind: 'stripe_key', keywords: ['whsec_'], pattern: /whsec_[A-Za-z0-9+/=]{24,100}/y, minEntropy: 3 },
  {
    kind: 'square_token',
    keywords: ['sq0atp-', 'sq0csp-', 'EAAA'],
    pattern: /(?:sq0atp-|sq0csp-|EAAA)[\w-]{22,60}(?![\w-])/y,
    minEntropy: 3,
  },
  {
    kind: 'openai_api_key',
    keywords: ['sk-'],
    pattern: /sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,300}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}|[A-Za-z0-9]{32,64})(?![A-Za-z0-9_-])/y,
    minEntropy: 3.5,
  },
  {
    kind: 'anthropic_api_key',
    keywords: ['sk-ant-'],
    pattern: /sk-ant-(?:[a-z]{2,10}\d{2}-)?[A-Za-z0-9_-]{32,300}(?![A-Za-z0-9_-])/y,
    minEntropy: 3.5,
  },
  { kind: 'huggingface_token', keywords: ['hf_'], pattern: /hf_[A-Za-z0-9]{30,40}(?![A-Za-z0-9_])/y, minEntropy: 3 },
  { kind: 'huggingface_token', keywords: ['api_org_'], pattern: /api_org_[A-Za-z]{34}(?![A-Za-z0-9])/y, minEntropy: 3 },
  { kind: 'npm_token', keywords: ['npm_'], pattern: /npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])/y, minEntropy: 3 },
  { kind: 'pypi_token', keywords: ['pypi-'], pattern: /pypi-AgE[A-Za-z0-9_-]{50,1000}/y, minEntropy: 3 },
  {
    kind: 'sendgrid_api_key',
    keywords: ['SG.'],
    pattern: /SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{30,64}(?![A-Za-z0-9_-])/y,
    minEntropy: 3,
  },
  { kind: 'twilio_api_key', keywords: ['SK'], pattern: /SK[0-9a-fA-F]{32}(?![0-9A-Za-z])/y, minEntropy: 3 },
  {
    kind: 'jwt',
    keywords: ['eyJ'],
    pattern: /eyJ[A-Za-z0-9_-]{8,4096}\.ey[A-Za-z0-9_-]{8,8192}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/y,
    minEntropy: 3,
  },
  {
    kind: 'grafana_token',
    keywords: ['glsa_', 'glc_'],
    pattern: /gl(?:sa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|c_[A-Za-z0-9+/]{32,400}={0,3})(?![A-Za-z0-9+/=])/y,
    minEntropy: 3,
  },
  {
    kind: 'digitalocean_token',
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    pattern: /do[por]_v1_[a-f0-9]{64}(?![a-f0-9])/y,
    minEntropy: 3,
  },
  {
    kind: 'shopify_token',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    pattern: /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![a-fA-F0-9])/y,
    minEntropy: 3,
  },
  {
    kind: 'databricks_token',
    keywords: ['dapi'],
    pattern: /dapi[a-f0-9]{32}(?:-\d)?(?![A-Za-z0-9])/y,
    minEntropy: 3,
  },
  { kind: 'vault_token', keywords: ['hvs.', 'hvb.', 'hvr.'], pattern: /hv[sbr]\.[A-Za-z0-9_-]{24,200}(?![\w-])/y, minEntropy: 3.5 },
  { kind: 'docker_token', keywords: ['dckr_pat_', 'dckr_oat_'], pattern: /dckr_(?:pat|oat)_[A-Za-z0-9_-]{27,40}(?![\w-])/y, minEntropy: 3.5 },
  { kind: 'atlassian_token', keywords: ['ATATT3', 'ATCTT3'], pattern: /AT[AC]TT3[A-Za-z0-9_=-]{150,250}(?![\w=-])/y, minEntropy: 3.5 },
  { kind: 'google_oauth_token', keywords: ['ya29.'], pattern: /ya29\.[\w-]{30,400}(?![\w-])/y, minEntropy: 3.5 },
  {
    kind: 'age_secret_key',
    keywords: ['AGE-SECRET-KEY-1'],
    pattern: /AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}(?![A-Z0-9])/y,
  },
  { kind: 'postman_api_key', keywords: ['PMAK-'], pattern: /PMAK-[a-f0-9]{24}-[a-f0-9]{34}(?![a-f0-9])/y, minEntropy: 3 },
  { kind: 'linear_api_key', keywords: ['lin_api_'], pattern: /lin_api_[A-Za-z0-9]{40}(?![A-Za-z0-9])/y, minEntropy: 3.5 },
];
