import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('applies the defaults of docs/configuration.md', () => {
    const c = loadConfig({});
    expect(c.db).toEqual({ url: undefined, dataDir: './flowtrail-data' });
    expect(c.http).toMatchObject({ host: '127.0.0.1', port: 8080, publicUrl: 'http://127.0.0.1:8080', shutdownTimeoutSeconds: 25 });
    expect(c.gitlab.agentUsernames).toEqual(['duo-developer*', 'ai-*']);
    expect(c.retention.days).toBe(365);
    expect(c.hook).toMatchObject({ mode: 'enforce', onError: 'reject' });
    expect(c.integrity).toMatchObject({ checkpointIntervalSeconds: 60, checkpointEvents: 10000, origin: 'flowtrail/127.0.0.1' });
  });

  it('reads the checkpoint witnesses, with the two older variables, and names a bad one', () => {
    const c = loadConfig({
      FLOWTRAIL_CHECKPOINT_WITNESSES: 'dir:/srv/witness, https://witness.example/cp ,git:ssh://git@git.example/audit/cp.git,,git:/srv/cp.git',
      FLOWTRAIL_CHECKPOINT_DIR: '/srv/witness', FLOWTRAIL_CHECKPOINT_URL: 'http://127.0.0.1:9000/cp',
    });
    expect(c.integrity.witnesses).toEqual([
      { kind: 'dir', path: '/srv/witness' }, { kind: 'http', url: 'https://witness.example/cp' },
      { kind: 'git', remote: 'ssh://git@git.example/audit/cp.git' }, { kind: 'git', remote: '/srv/cp.git' }, { kind: 'http', url: 'http://127.0.0.1:9000/cp' },
    ]);
    expect(loadConfig({}).integrity.witnesses).toEqual([]);
    for (const bad of ['dir:relative/path', 'ftp://x.example/', 'witness.example', 'git:']) {
      expect(() => loadConfig({ FLOWTRAIL_CHECKPOINT_WITNESSES: bad }), bad).toThrow(/FLOWTRAIL_CHECKPOINT_WITNESSES: ".*" must be dir:\/absolute\/path, an http\(s\) URL or git:<path or URL>/);
    }
  });

  it('reads every variable', () => {
    const c = loadConfig({
      FLOWTRAIL_DATABASE_URL: 'postgres://u@db:5432/flowtrail',
      FLOWTRAIL_PORT: '9000',
      FLOWTRAIL_HOST: '0.0.0.0',
      FLOWTRAIL_PUBLIC_URL: 'https://audit.example.test/',
      FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: `ftk_${'a'.repeat(40)}`,
      FLOWTRAIL_WEBHOOK_SECRET: 'webhook-secret',
      FLOWTRAIL_WEBHOOK_SIGNING_KEY: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      FLOWTRAIL_STREAMING_TOKEN: 'streaming-token',
      FLOWTRAIL_GITLAB_URL: 'https://gitlab.example.test',
      FLOWTRAIL_GITLAB_TOKEN: 'glpat-whatever',
      FLOWTRAIL_AGENT_USERNAMES: 'bot-*, duo-*',
      FLOWTRAIL_RETENTION_DAYS: '30',
      FLOWTRAIL_HOOK_MODE: 'warn',
      FLOWTRAIL_HOOK_ON_ERROR: 'allow',
      FLOWTRAIL_URL: 'http://127.0.0.1:8080',
      FLOWTRAIL_TOKEN: 'ftk_x',
      FLOWTRAIL_SHUTDOWN_TIMEOUT_S: '40',
    });
    expect(c.db.url).toBe('postgres://u@db:5432/flowtrail');
    expect(c.http).toMatchObject({ port: 9000, host: '0.0.0.0', publicUrl: 'https://audit.example.test', shutdownTimeoutSeconds: 40 });
    expect(c.gitlab.agentUsernames).toEqual(['bot-*', 'duo-*']);
    expect(c.integrity.origin).toBe('flowtrail/audit.example.test');
    expect(c.hook).toMatchObject({ mode: 'warn', onError: 'allow', url: 'http://127.0.0.1:8080' });
  });

  it('names every bad variable in one line', () => {
    let err: unknown;
    try {
      loadConfig({ FLOWTRAIL_PORT: 'eighty', FLOWTRAIL_DATABASE_URL: 'mysql://x', FLOWTRAIL_HOOK_MODE: 'loud', FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: 'short', FLOWTRAIL_GITLAB_URL: 'https://g.test' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    for (const name of ['FLOWTRAIL_PORT', 'FLOWTRAIL_DATABASE_URL', 'FLOWTRAIL_HOOK_MODE', 'FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN', 'FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN']) {
      expect(message).toContain(name);
    }
  });

  it('reads the OTLP agent identities and the pending-span bound, and refuses a bad entry in words', () => {
    const c = loadConfig({ FLOWTRAIL_OTLP_AGENT_IDENTITIES: 'Release helper=release-bot*, rb-? ; Claims helper=claims-bot', FLOWTRAIL_OTLP_PENDING_HOURS: '6' });
    expect(c.otlp.agentIdentities).toEqual([{ agent: 'release helper', patterns: ['release-bot*', 'rb-?'] }, { agent: 'claims helper', patterns: ['claims-bot'] }]);
    expect(c.otlp.pendingHours).toBe(6);
    expect(loadConfig({}).otlp).toMatchObject({ agentIdentities: [], pendingHours: 24 });
    for (const bad of ['release-bot', '=release-bot', 'Release helper=', 'Release helper=bot name']) {
      expect(() => loadConfig({ FLOWTRAIL_OTLP_AGENT_IDENTITIES: bad }), bad).toThrow(/FLOWTRAIL_OTLP_AGENT_IDENTITIES has an invalid entry/);
    }
    for (const bad of ['0', '2161', 'a day']) expect(() => loadConfig({ FLOWTRAIL_OTLP_PENDING_HOURS: bad }), bad).toThrow(/FLOWTRAIL_OTLP_PENDING_HOURS/);
  });

  it('keeps FLOWTRAIL_SHUTDOWN_TIMEOUT_S between 1 and 3600 seconds', () => {
    expect(loadConfig({ FLOWTRAIL_SHUTDOWN_TIMEOUT_S: '1' }).http.shutdownTimeoutSeconds).toBe(1);
    expect(loadConfig({ FLOWTRAIL_SHUTDOWN_TIMEOUT_S: '3600' }).http.shutdownTimeoutSeconds).toBe(3600);
    for (const bad of ['0', '3601', 'soon', '2.5']) expect(() => loadConfig({ FLOWTRAIL_SHUTDOWN_TIMEOUT_S: bad }), bad).toThrow(/FLOWTRAIL_SHUTDOWN_TIMEOUT_S/);
  });

  it('refuses an invalid sanitizer pattern list and a short sanitizer key', () => {
    expect(() => loadConfig({ FLOWTRAIL_SANITIZER_PATTERNS: '{"kind":"x"}' })).toThrow(/FLOWTRAIL_SANITIZER_PATTERNS must be a JSON array/);
    expect(() => loadConfig({ FLOWTRAIL_SANITIZER_KEY: 'short' })).toThrow(/FLOWTRAIL_SANITIZER_KEY must be at least 32 characters/);
  });

  it('reads the alert notification settings: an http(s) webhook with its whsec_ key, an issue project with the GitLab connection', () => {
    const key = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const c = loadConfig({
      FLOWTRAIL_ALERT_WEBHOOK_URL: 'https://hooks.slack.test/services/T0/B0/secret', FLOWTRAIL_ALERT_WEBHOOK_SECRET: key, FLOWTRAIL_ALERT_ISSUE_PROJECT: 'security/alerts',
      FLOWTRAIL_GITLAB_URL: 'https://g.test', FLOWTRAIL_GITLAB_TOKEN: 'glpat-x', FLOWTRAIL_ALERT_ISSUE_LABELS: 'flowtrail, security',
    }).alertNotifications;
    expect(c).toMatchObject({ webhookUrl: 'https://hooks.slack.test/services/T0/B0/secret', webhookSecret: key, issueProject: 'security/alerts', issueLabels: ['flowtrail', 'security'], timeoutSeconds: 10, maxBackoffSeconds: 300 });
    expect(loadConfig({}).alertNotifications).toMatchObject({ webhookUrl: undefined, issueProject: undefined, issueLabels: ['flowtrail-alert'] });
  });

  it('refuses at start-up an alert webhook that is not http(s), one without its signing key, a bad key and an issue project without GitLab, each in words', () => {
    const key = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    for (const url of ['file:///etc/passwd', 'gopher://x.test/', 'javascript:alert(1)', 'ftp://x.test/hook', 'hooks.slack.test/services/x']) {
      expect(() => loadConfig({ FLOWTRAIL_ALERT_WEBHOOK_URL: url, FLOWTRAIL_ALERT_WEBHOOK_SECRET: key }), url).toThrow(/FLOWTRAIL_ALERT_WEBHOOK_URL must be a http or https URL/);
    }
    expect(() => loadConfig({ FLOWTRAIL_ALERT_WEBHOOK_URL: 'https://x.test/hook' })).toThrow(/FLOWTRAIL_ALERT_WEBHOOK_URL needs FLOWTRAIL_ALERT_WEBHOOK_SECRET/);
    expect(() => loadConfig({ FLOWTRAIL_ALERT_WEBHOOK_URL: 'https://x.test/hook', FLOWTRAIL_ALERT_WEBHOOK_SECRET: 'hunter2' })).toThrow(/FLOWTRAIL_ALERT_WEBHOOK_SECRET must be a "whsec_" key/);
    expect(() => loadConfig({ FLOWTRAIL_ALERT_WEBHOOK_SECRET: key })).toThrow(/FLOWTRAIL_ALERT_WEBHOOK_SECRET needs FLOWTRAIL_ALERT_WEBHOOK_URL/);
    expect(() => loadConfig({ FLOWTRAIL_ALERT_ISSUE_PROJECT: 'security/alerts' })).toThrow(/FLOWTRAIL_ALERT_ISSUE_PROJECT needs FLOWTRAIL_GITLAB_URL/);
    expect(() => loadConfig({ FLOWTRAIL_ALERT_ISSUE_PROJECT: 'not a project', FLOWTRAIL_GITLAB_URL: 'https://g.test', FLOWTRAIL_GITLAB_TOKEN: 't' })).toThrow(/FLOWTRAIL_ALERT_ISSUE_PROJECT must be a project id or a full path/);
  });

  it('reads the anomaly thresholds, defaults as docs/alerts.md gives them', () => {
    const d = loadConfig({}).anomalies;
    expect(d).toEqual({
      intervalSeconds: 300, baselineDays: 28,
      sessionRate: { windowHours: 24, minHistoryDays: 7, minSessions: 20, factor: 4 },
      offHours: { minSessions: 20, percent: 2 },
      failureBurst: { windowMinutes: 60, minSessions: 5, percent: 50 },
      tokenSpike: { minSessions: 20, minTokens: 100_000, factor: 10 },
      neverEnded: { hours: 24 },
    });
    const c = loadConfig({ FLOWTRAIL_ANOMALY_INTERVAL_SECONDS: '0', FLOWTRAIL_ANOMALY_OFF_HOURS_PERCENT: '5', FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS: '72' }).anomalies;
    expect([c.intervalSeconds, c.offHours.percent, c.neverEnded.hours]).toEqual([0, 5, 72]);
  });

  it('names each bad anomaly threshold in one line', () => {
    const bad = () => loadConfig({
      FLOWTRAIL_ANOMALY_SESSION_RATE_FACTOR: '1.5', FLOWTRAIL_ANOMALY_FAILURE_PERCENT: '150', FLOWTRAIL_ANOMALY_BASELINE_DAYS: '7',
      FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_HISTORY_DAYS: '7', FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS: '200',
    });
    expect(bad).toThrow('FLOWTRAIL_ANOMALY_SESSION_RATE_FACTOR must be an integer from 2 to 1000, got "1.5"');
    expect(bad).toThrow('FLOWTRAIL_ANOMALY_FAILURE_PERCENT must be an integer from 1 to 100, got "150"');
    expect(bad).toThrow('FLOWTRAIL_ANOMALY_SESSION_RATE_MIN_HISTORY_DAYS (7) must be less than FLOWTRAIL_ANOMALY_BASELINE_DAYS (7)');
    expect(bad).toThrow('FLOWTRAIL_ANOMALY_NEVER_ENDED_HOURS (200) must be less than FLOWTRAIL_ANOMALY_BASELINE_DAYS in hours (168)');
  });
});
