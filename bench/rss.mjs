// Peak resident memory of a process tree, sampled from /proc every 100 ms.
//
// Why: the memory target (peak RSS <= 300 MB) is about the worker as an operator sees it
// in `top`: the worker process with its parser threads (threads share the process's VmRSS) and any
// child processes it might start. VmRSS of the process plus every descendant is summed at each
// sample (shared pages of children are counted twice, which errs on the high side). A 100 ms
// sample can miss a spike shorter than that; a 2-5 MB mail being parsed lasts longer.
// It also reads the CPU time the process used (utime + stime of all its threads), because on a
// shared 2-core machine CPU seconds per mail say more than wall time alone.
import { readFileSync, readdirSync } from 'node:fs';

/** VmRSS of one process in KiB, or 0 when it is gone. */
export function rssKb(pid) {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system, all threads) a process has used so far; 0 when it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields 14 and 15 (utime, stime) in clock ticks; after the comm they are at index 11 and 12
    return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
// USER_HZ is 100 on every Linux this runs on (getconf CLK_TCK)
const CLOCK_TICKS = 100;

/** Child pids of `pid` (Linux: /proc/<pid>/task/<tid>/children of every thread). */
export function childrenOf(pid) {
  const out = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
        if (text) out.push(...text.split(/\s+/).map(Number));
      } catch {
        // the thread ended while we looked
      }
    }
  } catch {
    // the process is gone
  }
  return out;
}

/** RSS of `pid` and all its descendants, in KiB, and how many processes that was. */
export function treeRssKb(pid) {
  let kb = 0;
  let processes = 0;
  const todo = [pid];
  while (todo.length > 0) {
    const p = todo.pop();
    const r = rssKb(p);
    if (r === 0) continue;
    kb += r;
    processes++;
    todo.push(...childrenOf(p));
  }
  return { kb, processes };
}

/**
 * Samples the tree of `pid` every `intervalMs` until stop(). stop() returns
 * { peakMb, peakAtSeconds (since start), lastMb, samples, maxProcesses, cpuSeconds, mbEvery2s }.
 */
export function sampleRss(pid, intervalMs = 100) {
  const started = Date.now();
  let peak = 0;
  let peakAt = 0;
  let last = 0;
  let samples = 0;
  let maxProcesses = 0;
  let cpu = 0;
  /** MB every `everyMs`, to see how the memory grows */
  const timeline = [];
  const everyMs = 2000;
  const take = () => {
    cpu = Math.max(cpu, cpuSeconds(pid));
    const { kb, processes } = treeRssKb(pid);
    if (processes === 0) return;
    if (Date.now() - started >= timeline.length * everyMs) timeline.push(Math.round(kb / 1024));
    samples++;
    last = kb;
    maxProcesses = Math.max(maxProcesses, processes);
    if (kb > peak) {
      peak = kb;
      peakAt = Date.now() - started;
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  const result = () => ({
    peakMb: Math.round((peak / 1024) * 10) / 10,
    peakAtSeconds: Math.round(peakAt / 100) / 10,
    lastMb: Math.round((last / 1024) * 10) / 10,
    samples,
    maxProcesses,
    cpuSeconds: Math.round(cpu * 10) / 10,
    mbEvery2s: timeline,
  });
  return {
    current: result,
    stop() {
      take();
      clearInterval(timer);
      return result();
    },
  };
}
