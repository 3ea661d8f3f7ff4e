import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

const sanitizer = createSanitizer({ key: Buffer.from('detect-family-test-key') });
const found = (text: string): [string, string][] => sanitizer.sanitizeText(text).findings.map((f) => [f.kind, text.slice(f.start, f.end)]);

const AWS = 'R0ACZwuYu9gVzhbDRTlCfKO+NMBBr3NkMWSgRctC';
const AZURE = 'a9JDJOlaWzaDMd8lO7W7aw2nLRKRS2O4egvSFIj7qSLXSx3VZ1q0mT8cP4wQ6eY2uN7rB5kH9jL0fG3dS1aZ8x==';

describe('keys recognised by their family alphabet and length', () => {
  it.each([
    [`here you go: ${AWS}`, 'aws_secret_access_key', AWS],
    [`Copied key1 from the portal: ${AZURE} -- set it in CI`, 'azure_storage_key', AZURE],
    ['secret value (copy now, shown once): tM06Q~AG4xG5VzTe_tPxO1NouYHFoIKYXxY31LxK', 'azure_client_secret', 'tM06Q~AG4xG5VzTe_tPxO1NouYHFoIKYXxY31LxK'],
    ['Workspace dapi4c5e1dc630a35a77cf287e20ee49c2d2 expires in 90 days', 'databricks_token', 'dapi4c5e1dc630a35a77cf287e20ee49c2d2'],
    ['root token printed by init: hvs.SQI4GzTclE4lqWk5msRBH4UH', 'vault_token', 'hvs.SQI4GzTclE4lqWk5msRBH4UH'],
    ['echo dckr_pat_vK93SI9tM-U9gQepIlA_wXBvOOa | docker login', 'docker_token', 'dckr_pat_vK93SI9tM-U9gQepIlA_wXBvOOa'],
    ['gcloud printed ya29.kf3jFH04ZSXnhQ7lABdaG6x3Td3b5XUX1Jr4llTO-iEGW1CR', 'google_oauth_token', 'ya29.kf3jFH04ZSXnhQ7lABdaG6x3Td3b5XUX1Jr4llTO-iEGW1CR'],
    ['age identity: AGE-SECRET-KEY-1ZWWTYT0MX5F73MJYWQJX3CTCHWLAGV47ZJ0JSZEMA39AM2AHPCD80NNL4W', 'age_secret_key', 'AGE-SECRET-KEY-1ZWWTYT0MX5F73MJYWQJX3CTCHWLAGV47ZJ0JSZEMA39AM2AHPCD80NNL4W'],
    ['newman --x PMAK-1249ed130ce3f751379646a6-5dbbe2ecaca3c0fe00102d3f2a6a12586b', 'postman_api_key', 'PMAK-1249ed130ce3f751379646a6-5dbbe2ecaca3c0fe00102d3f2a6a12586b'],
    ['linear key lin_api_w9xR2XAb6SJjvvzjF5MuRr7PclGvNbgYREdALEcQ', 'linear_api_key', 'lin_api_w9xR2XAb6SJjvvzjF5MuRr7PclGvNbgYREdALEcQ'],
  ])('%s', (text, kind, value) => {
    expect(found(text)).toEqual([[kind, value]]);
  });

  it.each([
    'commit 3f9a1c0b2d4e5f60718293a4b5c6d7e8f9012345 merged into main',
    'session 123e4567-e89b-12d3-a456-426614174000 started',
    `"integrity": "sha512-${AZURE}"`,
    `<img src="data:image/png;base64,${AWS}">`,
    'see https://example.com/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t',
    'AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod',
  ])('leaves %s alone', (text) => {
    expect(found(text)).toEqual([]);
  });
});
