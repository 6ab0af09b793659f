import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { StopDeadlineError, stopWithin } from '../../src/service/stop-deadline.ts';

interface LogLine {
  msg: string;
  left?: string[];
  deadlineMs?: number;
  batchesInHand?: unknown;
}

function capture() {
  const lines: LogLine[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) }) };
}

describe('stopWithin', () => {
  it('runs every step in order and resolves when they finish in time', async () => {
    const { lines, logger } = capture();
    const order: string[] = [];
    const step = (name: string) => ({ name, run: async () => void order.push(name) });
    await stopWithin(1_000, [step('a'), step('b'), step('c')], logger);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(lines).toEqual([]);
  });

  it('gives up on a hung step at the deadline: logs it and the steps after it, abandons, and rejects', { timeout: 10_000 }, async () => {
    const { lines, logger } = capture();
    const ran: string[] = [];
    const abandoned: string[] = [];
    const steps = [
      { name: 'timers', run: async () => void ran.push('timers') },
      { name: 'batch in hand', run: () => new Promise<void>(() => {}), abandon: () => abandoned.push('batch in hand') },
      { name: 'redis', run: async () => void ran.push('redis'), abandon: () => abandoned.push('redis') },
    ];
    const stopping = stopWithin(200, steps, logger, () => ({ batchesInHand: [{ topic: 't', partition: 3 }] }));
    const error = await stopping.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StopDeadlineError);
    expect((error as StopDeadlineError).left).toEqual(['batch in hand', 'redis']);
    expect(ran).toEqual(['timers']);
    expect(abandoned).toEqual(['batch in hand', 'redis']);
    expect(lines).toEqual([
      expect.objectContaining({ msg: 'stop deadline passed; exiting with work left', deadlineMs: 200, left: ['batch in hand', 'redis'], batchesInHand: [{ topic: 't', partition: 3 }] }),
    ]);
  });

  it('passes a failing step’s error on without waiting for the deadline', async () => {
    const { logger } = capture();
    await expect(stopWithin(60_000, [{ name: 'producer', run: () => Promise.reject(new Error('broker gone')) }], logger)).rejects.toThrow('broker gone');
  });
});
