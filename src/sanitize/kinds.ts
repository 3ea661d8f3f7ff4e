import { PREFIX_RULES } from './rules.js';

/** Every kind the built-in detectors can emit, in a stable order. */
export const BUILTIN_KINDS: readonly string[] = Object.freeze([
  ...new Set([
    ...PREFIX_RULES.map((rule) => rule.kind),
    'aws_secret_access_key',
    'azure_client_secret',
    'gcp_service_account_key',
    'private_key',
    'bearer_token',
    'basic_auth',
    'password',
    'secret',
    'generic_secret',
    'email',
    'phone',
    'payment_card',
    'iban',
    'us_ssn',
    'uk_nino',
    'ip_address',
    'person_name',
  ]),
]);
