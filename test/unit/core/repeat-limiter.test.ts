/** RepeatLimiter and connectionErrorLog on a VirtualClock: which failures become lines, and what the lines count. */
import { VirtualClock } from '../../../src/core/clock';
import { RepeatLimiter, connectionErrorLog } from '../../../src/core/repeat-limiter';
import { captureLog } from '../../support/log-capture';

describe('RepeatLimiter', () => {
  it('lets the first failure through, then one per interval with the count left out since the previous line', async () => {
    const clock = new VirtualClock();
    const limiter = new RepeatLimiter(clock, 10_000);
    expect(limiter.fail()).toEqual({ suppressed: 0, failures: 1 });
    for (let i = 0; i < 42; i++) expect(limiter.fail()).toBeUndefined();
    await clock.advance(9_999);
    expect(limiter.fail()).toBeUndefined();
    await clock.advance(1);
    expect(limiter.fail()).toEqual({ suppressed: 43, failures: 45 });
    expect(limiter.fail()).toBeUndefined();
    await clock.advance(10_000);
    expect(limiter.fail()).toEqual({ suppressed: 1, failures: 47 });
  });

  it('reports a streak once on recovery and starts over: the next failure is logged at once', () => {
    const clock = new VirtualClock();
    const limiter = new RepeatLimiter(clock, 10_000);
    expect(limiter.recover()).toBeUndefined();
    limiter.fail();
    limiter.fail();
    limiter.fail();
    expect(limiter.recover()).toEqual({ suppressed: 2, failures: 3 });
    expect(limiter.recover()).toBeUndefined();
    expect(limiter.fail()).toEqual({ suppressed: 0, failures: 1 });
  });
});

describe('connectionErrorLog', () => {
  it('turns 43 reconnect errors in 8 s into one line, a 30 s later line with the count, and one line on recovery', async () => {
    const clock = new VirtualClock();
    const log = captureLog('info');
    const listeners = connectionErrorLog({ logger: log.logger, clock, message: 'redis connection error', intervalMs: 30_000 });
    listeners.onReady(); // the first connect: nothing to report
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6390'), { code: 'ECONNREFUSED' });
    for (let i = 0; i < 43; i++) {
      listeners.onError(refused);
      await clock.advance(186); // 43 attempts in 8 s
    }
    expect(log.records().map((r) => [r['msg'], r['failures'], r['suppressed']])).toEqual([['redis connection error', 1, 0]]);
    await clock.advance(30_000);
    listeners.onError(refused);
    listeners.onReady();
    listeners.onReady();
    expect(log.records().map((r) => [r['level'], r['msg'], r['failures'], r['suppressed']])).toEqual([
      [40, 'redis connection error', 1, 0],
      [40, 'redis connection error', 44, 42],
      [30, 'redis connection error: recovered', 44, 0],
    ]);
    expect(log.records()[0]?.['err']).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('logs the first error of each kind at once: a WRONGPASS after the ECONNRESET that opened the streak is not held back', async () => {
    const clock = new VirtualClock();
    const log = captureLog('info');
    const listeners = connectionErrorLog({ logger: log.logger, clock, message: 'redis connection error', intervalMs: 30_000 });
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const refused = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), { name: 'ReplyError' });
    listeners.onError(reset);
    for (let i = 0; i < 10; i++) {
      listeners.onError(refused);
      await clock.advance(200);
    }
    listeners.onError(reset);
    listeners.onReady();
    expect(log.records().map((r) => [r['msg'], r['failures'], r['suppressed']])).toEqual([
      ['redis connection error', 1, 0],
      ['redis connection error', 1, 0],
      ['redis connection error: recovered', 12, 10],
    ]);
    expect(log.records().map((r) => (r['err'] as { message?: string } | undefined)?.message?.split(' ')[0])).toEqual([
      'read',
      'WRONGPASS',
      undefined,
    ]);
  });
});
