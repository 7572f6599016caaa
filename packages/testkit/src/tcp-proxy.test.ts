import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTcpProxy } from './tcp-proxy';

const echoOnce = (port: number, text: string): Promise<string> =>
  new Promise((resolve, reject) => {
    import('node:net').then(({ connect }) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      socket.once('data', (data) => {
        resolve(data.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    }, reject);
  });

describe('startTcpProxy', () => {
  it('forwards, refuses while cut, and forwards again once restored on the same port', async () => {
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const address = echo.address();
    const proxy = await startTcpProxy('127.0.0.1', typeof address === 'object' && address ? address.port : 0);
    try {
      expect(await echoOnce(proxy.port, 'before')).toBe('before');
      await proxy.cut();
      await expect(echoOnce(proxy.port, 'during')).rejects.toThrow(/ECONNREFUSED/);
      await proxy.restore();
      expect(await echoOnce(proxy.port, 'after')).toBe('after');
    } finally {
      await proxy.close();
      echo.close();
    }
  });
});
