import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

const sanitizer = createSanitizer({ key: Buffer.from('detect-flag-test-key') });
const values = (text: string): string[] => sanitizer.sanitizeText(text).findings.map((f) => text.slice(f.start, f.end));

describe('secrets passed by a command-line flag', () => {
  it.each([
    ["mysql -h db -u root -p'OxOz7x#yBunYGo' orders", 'OxOz7x#yBunYGo'],
    ['mysql -uroot -pwinter-groen-110 -e "show databases"', 'winter-groen-110'],
    ["docker login registry.example.com --username ci --password 'Sommer2024!'", 'Sommer2024!'],
    ["sshpass -p 'Fenster1992$' ssh deploy@build-01", 'Fenster1992$'],
    ['az storage blob upload --account-name x --account-key q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5Fg0RsAq7Lm2Xv9Kp4Tz --file a', 'q7Lm2Xv9Kp4Tz8Wn3Yb6Hc1Jd5Fg0RsAq7Lm2Xv9Kp4Tz'],
    ['oauth2-proxy --client-secret M0XrSqnOYaLNdwvgBMOhahXl3v584SX-3bfVU6 --provider gitlab', 'M0XrSqnOYaLNdwvgBMOhahXl3v584SX-3bfVU6'],
    ['gitlab-runner register --url https://gitlab.example.com --token MK2DNeR7m3B0Jyw6jTbt8RKKlkGv78Cq', 'MK2DNeR7m3B0Jyw6jTbt8RKKlkGv78Cq'],
    ['curl -u admin:c&mhHdOFsV6DxD5 https://jenkins.internal/api/json', 'c&mhHdOFsV6DxD5'],
    ["http -a ops:'Ye5Lm4%RpGkFZYs' GET https://grafana.internal/api", 'Ye5Lm4%RpGkFZYs'],
    ["redis-cli -h cache.internal -a 'Fenster1992$' ping", 'Fenster1992$'],
  ])('%s', (text, secret) => {
    expect(values(text)).toEqual([secret]);
  });

  it.each([
    'docker run -p 8080:80 -v $PWD:/app nginx',
    'psql -h localhost -p 5432 -U app orders',
    'ssh -p 2222 deploy@build-01',
    'mkdir -p build/out && cp -r dist build/out',
    'find . -print0 | xargs -0 ls -pv',
    'echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin $CI_REGISTRY',
    'curl -u "$USER:$PASS" https://nexus.internal/',
    'kubectl --token-file /var/run/secrets/token get pods',
    'mysql -u root -p -h db.internal --port 3306',
    'ls -a ~/projects && tar -t -f out.tar',
  ])('leaves %s alone', (text) => {
    expect(values(text)).toEqual([]);
  });
});
