import { CLOCK_TICKS, cpuTicks, groupMembers, vmRssKb } from '../support/proc-stats.js';
import { RssSampler } from '../support/rss-sampler.js';

/**
 * RSS (VmRSS) of one server every 100 ms, with the peak per phase: either the one process
 * `pid` (Slipway's node process), or the sum over its process group (`mlflow models serve`:
 * the CLI and the uvicorn process it starts). CPU seconds are those of the live processes.
 */
export class ProcessRss extends RssSampler {
  private readonly peaks = new Map<string, number>();
  private pids: number[];
  /** Most processes seen at once. */
  processes = 1;

  constructor(
    private readonly pid: number,
    private readonly wholeGroup: boolean,
  ) {
    super();
    this.pids = [pid];
  }

  override sample(): void {
    if (this.wholeGroup) this.pids = groupMembers(this.pid);
    let kb = 0;
    let live = 0;
    for (const p of this.pids) {
      const rss = vmRssKb(p);
      if (rss === undefined) continue;
      kb += rss;
      live++;
    }
    this.processes = Math.max(this.processes, live);
    this.peaks.set(this.phase, Math.max(this.peaks.get(this.phase) ?? 0, kb));
  }

  override cpuNow(): number {
    return this.pids.reduce((sum, p) => sum + cpuTicks(p), 0) / CLOCK_TICKS;
  }

  /** The RSS now, in MB. */
  nowMb(): number {
    this.sample();
    let kb = 0;
    for (const p of this.pids) kb += vmRssKb(p) ?? 0;
    return kb / 1024;
  }

  /** The peak RSS seen during `phase`, in MB. */
  peakMb(phase: string): number | undefined {
    const kb = this.peaks.get(phase);
    return kb === undefined ? undefined : kb / 1024;
  }

  /** The peak over every phase, in MB. */
  overallPeakMb(): number {
    return Math.max(0, ...this.peaks.values()) / 1024;
  }
}
