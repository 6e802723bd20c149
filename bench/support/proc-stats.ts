/** Linux /proc readings: RSS, CPU time, process groups and trees. */
import { readdirSync, readFileSync } from 'node:fs';

export const CLOCK_TICKS = 100; // USER_HZ on Linux

/** VmRSS in kB, or undefined when the process is gone. */
export function vmRssKb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? undefined : Number(m[1]);
  } catch {
    return undefined;
  }
}

/** The fields after the parenthesised command of /proc/<pid>/stat: state(0) ppid(1) pgrp(2) ... utime(11) stime(12). */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime in clock ticks; 0 when the process is gone. */
export function cpuTicks(pid: number): number {
  try {
    const fields = statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** Calls `visit` with every process's pid and /proc/<pid>/stat (skipping those that exit meanwhile). */
function eachProcess(visit: (pid: number, stat: string) => void): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    visit(Number(entry), stat);
  }
}

/** Every process in process group `pgid`. */
export function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  eachProcess((pid, stat) => {
    if (Number(statFields(stat)[2]) === pgid) out.push(pid);
  });
  return out;
}

/** CPU seconds of every process named `postgres` on the machine (the database's share of the work). */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  eachProcess((_pid, stat) => {
    if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== 'postgres') return;
    const fields = statFields(stat);
    ticks += Number(fields[11]) + Number(fields[12]);
  });
  return ticks / CLOCK_TICKS;
}

/** Every descendant of `pid` (children of any of its threads, recursively). */
export function descendants(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.pop()!;
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let text: string;
      try {
        text = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8');
      } catch {
        continue;
      }
      for (const c of text.split(' ')) {
        if (c.trim() === '') continue;
        const child = Number(c);
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}
