/**
 * The frame of an RSS sampler: `sample()` every 100 ms (the subclass decides what it reads
 * and keeps, per `phase`), and the CPU seconds of each phase, taken from `cpuNow()` at every
 * phase change.
 */
export abstract class RssSampler {
  protected phase = 'startup';
  private readonly phaseCpu = new Map<string, number>();
  private phaseCpuStart = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  /** Reads the processes' RSS now and updates the peaks. */
  abstract sample(): void;

  /** CPU seconds the sampled processes have used so far. */
  abstract cpuNow(): number;

  setPhase(phase: string): void {
    this.sample();
    const now = this.cpuNow();
    this.phaseCpu.set(this.phase, (this.phaseCpu.get(this.phase) ?? 0) + now - this.phaseCpuStart);
    this.phaseCpuStart = now;
    this.phase = phase;
  }

  /** CPU seconds used during `phase`. */
  phaseCpuSeconds(phase: string): number | undefined {
    return this.phaseCpu.get(phase);
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}
