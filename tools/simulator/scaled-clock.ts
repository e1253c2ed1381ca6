import { systemClock, type Clock } from '../../src/core/clock';

/**
 * Real time sped up: `speed` simulated milliseconds pass per real millisecond, counted from `start`
 * (default: the real now). Lets the demo show jobs of minutes finish in seconds.
 */
export class ScaledClock implements Clock {
  private readonly real: Clock;
  private readonly realStart: number;
  private readonly simStart: number;

  constructor(
    private readonly speed: number,
    opts: { start?: number; real?: Clock } = {},
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError('ScaledClock speed must be a positive number');
    this.real = opts.real ?? systemClock;
    this.realStart = this.real.now();
    this.simStart = opts.start ?? this.realStart;
  }

  now(): number {
    return this.simStart + Math.floor((this.real.now() - this.realStart) * this.speed);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.real.sleep(ms / this.speed, signal);
  }
}
