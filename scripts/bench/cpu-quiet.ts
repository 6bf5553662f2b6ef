/**
 * The benchmark machine is shared: other processes come and go on its two cores, and llama.cpp's
 * spinning worker threads slow down badly when they have to share. Before each measurement we
 * wait (a bounded time) for the cores to be idle, and record how busy they were.
 */
import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'

/** Busy fraction of all CPUs over `windowMs`, from /proc/stat; null where that does not exist. */
export async function cpuBusyFraction(windowMs = 300): Promise<number | null> {
  const first = readCpuTimes()
  if (!first) return null
  await sleep(windowMs)
  const second = readCpuTimes()
  if (!second) return null
  const total = second.total - first.total
  return total > 0 ? (total - (second.idle - first.idle)) / total : 0
}

function readCpuTimes(): { total: number; idle: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? ''
    const fields = line.trim().split(/\s+/).slice(1).map(Number)
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
    return { total: fields.reduce((a, b) => a + b, 0), idle }
  } catch {
    return null
  }
}

export interface QuietReport {
  waitedMs: number
  /** Busy fraction seen last, before measuring (null where unknown). */
  busy: number | null
}

/** Waits until the CPUs are mostly idle, or `maxWaitMs` has passed. */
export async function waitForQuietCpu(maxWaitMs: number, busyBelow = 0.15): Promise<QuietReport> {
  const startedAt = performance.now()
  for (;;) {
    const busy = await cpuBusyFraction()
    const waitedMs = performance.now() - startedAt
    if (busy === null || busy < busyBelow || waitedMs >= maxWaitMs) return { waitedMs, busy }
  }
}

export function loadAverage(): number {
  return loadavg()[0] ?? 0
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
