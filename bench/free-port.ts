import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (the system's pick for port 0). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
