import { spawn, type ChildProcess } from 'node:child_process';
import { FLOWTRAIL_BIN } from './git.js';

export { FLOWTRAIL_BIN };

export interface Serve {
  child: ChildProcess;
  url: string;
  /** Its log lines (stdout) and stderr so far. */
  output: string[];
  exited: Promise<number | null>;
}

/** Starts a real `flowtrail serve` with this environment; resolves with its URL once it logs that it listens (rejects with its output if it exits first). */
export async function startServe(env: Record<string, string>): Promise<Serve> {
  const child = spawn(process.execPath, [FLOWTRAIL_BIN, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        const m = /"url":"(http:\/\/[^"]+)".*flowtrail is listening/.exec(line);
        if (m !== null) resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    void exited.then((code) => reject(new Error(`serve exited with ${code} before listening: ${output.join('\n')}`)));
  });
  return { child, url, output, exited };
}
