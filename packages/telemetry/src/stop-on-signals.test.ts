import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { stopOnSignals, type StopStep } from './stop-on-signals';

const logger = createLogger({ service: 'test', level: 'silent' });

function harness(steps: StopStep[]) {
  const signals = new EventEmitter();
  const exits: number[] = [];
  const lifecycle = stopOnSignals({
    logger,
    graceMs: 1_000,
    steps,
    exit: (code) => void exits.push(code),
    process: { on: (event: string, listener: () => void) => signals.on(event, listener) } as Pick<NodeJS.Process, 'on'>,
  });
  return { signals, exits, lifecycle };
}

describe('stopOnSignals', () => {
  it('runs the steps in order on SIGTERM, once even when signalled twice, and exits 0', async () => {
    const order: string[] = [];
    const { signals, exits, lifecycle } = harness([
      { name: 'listeners', run: () => void order.push('listeners') },
      { name: 'consumer', run: async () => void order.push('consumer') },
      { name: 'telemetry', run: async () => void order.push('telemetry') },
    ]);
    signals.emit('SIGTERM');
    signals.emit('SIGINT');
    await lifecycle.stop('again');
    expect(order).toEqual(['listeners', 'consumer', 'telemetry']);
    expect(exits).toEqual([0]);
  });

  it('carries on past a failing or hanging step and exits 1', async () => {
    const order: string[] = [];
    const { exits, lifecycle } = harness([
      {
        name: 'broken',
        run: () => {
          throw new Error('socket gone');
        },
      },
      { name: 'hanging', run: () => new Promise(() => undefined), timeoutMs: 20 },
      { name: 'telemetry', run: async () => void order.push('telemetry') },
    ]);
    await lifecycle.stop('SIGTERM');
    expect(order).toEqual(['telemetry']);
    expect(exits).toEqual([1]);
  });
});
