/**
 * Case 6.rss: whether Compare leaks native memory (issue 18). Many four-column batches through
 * the engine's `generateMany`, each opening and freeing a context of its own; the engine's
 * resident memory after the last against after the first. A leak keeps growing; the allocator
 * keeping freed pages levels off, which the middle sample tells apart.
 */
import { sleep } from './cpu-quiet'
import { columnsRate } from './case-parallel'
import { residentBytes, type EngineEndpoint } from './processes'
import { ratioRow, type BenchRow } from './stats'

export interface CompareMemoryOptions {
  batches: number
  columns: number
  tokens: number
  topN: number
  log: (line: string) => void
}

export async function compareMemoryCase(
  endpoint: EngineEndpoint,
  options: CompareMemoryOptions,
): Promise<BenchRow[]> {
  const { batches, columns, tokens, topN } = options
  options.log(`case 6.rss: ${batches} × ${columns} columns, ${tokens} tokens each`)
  const resident = async () => {
    // The batch's context is freed before the engine is free again; let late messages settle.
    // No forced garbage collection: what native memory V8 leaves uncollected is what users see.
    await sleep(300)
    const bytes = residentBytes(endpoint.enginePid())
    if (bytes === null) throw new Error('no resident memory for the engine process')
    return bytes / 2 ** 20
  }
  const samples: number[] = []
  for (let batch = 1; batch <= batches; batch++) {
    await columnsRate(endpoint, columns, tokens, topN)
    samples.push(await resident())
  }
  options.log(
    `case 6.rss: engine RSS after each run ${samples.map((s) => s.toFixed(0)).join(' ')} MiB`,
  )
  const first = samples[0] ?? NaN
  const last = samples[samples.length - 1] ?? NaN
  const middle = samples[Math.floor((samples.length - 1) / 2)] ?? NaN
  const largest = Math.max(...samples)
  return [
    ratioRow(
      {
        id: '6.rss',
        measure: `Engine RSS after ${batches} ${columns}-column Compare runs vs after the first`,
        unit: 'MiB',
        note: `${first.toFixed(1)} → ${middle.toFixed(1)} (run ${Math.floor((samples.length + 1) / 2)}) → ${last.toFixed(1)} MiB, at most ${largest.toFixed(1)}; ${tokens} tokens per column`,
      },
      [{ ours: last, baseline: first }],
      { atMost: 1.05 },
    ),
  ]
}
