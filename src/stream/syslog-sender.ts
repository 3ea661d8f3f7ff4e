import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { octetCountedFrame, syslogMessage } from './format-stream-event.js';
import { describeFailure, type Sender, type SenderSettings } from './sender.js';

/**
 * How long a connection must stay open after a batch was written for the
 * batch to count as delivered. TCP syslog (RFC 6587) has no acknowledgement:
 * a receiver that closed its end makes the next write vanish into the
 * kernel's buffer. Waiting this long lets its FIN or RST arrive first, and
 * the batch is then sent again on a new connection.
 */
export const SYSLOG_SETTLE_MS = 50;

export const syslogPort = (url: URL) => (url.port === '' ? (url.protocol === 'syslog+tls:' ? 6514 : 514) : Number(url.port));

/**
 * `syslog`: RFC 5424 messages, octet-counted (RFC 6587) on one long-lived TCP
 * connection, or TLS for `syslog+tls://` (RFC 5425; the server's certificate
 * checked against the system's roots and the destination's CA).
 */
export function createSyslogSender(s: SenderSettings): Sender {
  let socket: Socket | null = null;
  let broken: string | null = null;

  const open = () => new Promise<Socket>((resolve, reject) => {
    const host = s.url.hostname.replace(/^\[|\]$/g, '');
    const port = syslogPort(s.url);
    const sock = s.url.protocol === 'syslog+tls:'
      ? connectTls({ host, port, servername: /^[\d.:]+$/.test(host) ? undefined : host, ...(s.tlsCa ? { ca: s.tlsCa } : {}) })
      : connectTcp({ host, port });
    const ready = s.url.protocol === 'syslog+tls:' ? 'secureConnect' : 'connect';
    const timer = setTimeout(() => sock.destroy(new Error(`could not connect within ${s.timeoutMs / 1000} s`)), s.timeoutMs);
    sock.once(ready, () => {
      clearTimeout(timer);
      sock.setNoDelay(true);
      sock.setKeepAlive(true, 30_000);
      resolve(sock);
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

  const forget = (why: string) => {
    broken = why;
    socket?.destroy();
    socket = null;
  };

  async function connection(): Promise<Socket> {
    if (socket !== null && broken === null) return socket;
    forget('');
    broken = null;
    const sock = await open();
    sock.on('error', (err) => { if (socket === sock) broken = describeFailure(err); });
    sock.on('end', () => { if (socket === sock) broken = 'the receiver closed the connection'; });
    sock.on('close', () => { if (socket === sock) broken ??= 'the connection closed'; });
    // Anything the receiver sends is not part of the protocol; read it away.
    sock.resume();
    socket = sock;
    return sock;
  }

  return {
    async send(events) {
      try {
        const sock = await connection();
        const frames = Buffer.concat(events.map((v) => octetCountedFrame(syslogMessage(v, s.format, s.hostname))));
        await new Promise<void>((resolve, reject) => sock.write(frames, (err) => (err ? reject(err) : resolve())));
        await new Promise((r) => setTimeout(r, SYSLOG_SETTLE_MS));
        if (broken !== null) {
          const why = broken;
          forget(why);
          return { delivered: 0, error: why };
        }
        return { delivered: events.length };
      } catch (err) {
        const why = describeFailure(err);
        forget(why);
        return { delivered: 0, error: why };
      }
    },
    close: () => forget('closed'),
  };
}
