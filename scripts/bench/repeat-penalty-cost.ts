/**
 * What a repeat penalty costs a run: the engine's own loop with the run's defaults, against the
 * same loop with a repeat penalty (a second native sampling of every step; repeat-penalty-pass.ts),
 * alternating in the same sitting. Not a row of `npm run bench`; run it on its own:
 *   npx tsx scripts/bench/repeat-penalty-cost.ts [--model PATH] [--threads 2] [--runs 5]
 */
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import { defaultSampling, type ValidGenerateRequest } from '../../src/shared/schemas'
import { openBenchSession, runOurLoop } from './in-process'
import { median } from './stats'

const { values: args } = parseArgs({
  options: {
    model: { type: 'string' },
    threads: { type: 'string', default: '2' },
    runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '48' },
  },
})
const demo = join(import.meta.dirname, '../../resources/models/tokenscope-demo.gguf')
const runtime = await startLlamaRuntime({ preferred: 'cpu', demoModelPath: demo })
const session = await openBenchSession(runtime.llama, args.model ?? demo, {
  threads: Number(args.threads),
})
const request = (repeatPenalty?: number): ValidGenerateRequest => ({
  runId: 'cost',
  prompt: 'The quick brown fox jumps over the lazy dog. A token is a piece of text, and',
  sampling: { ...defaultSampling, ...(repeatPenalty !== undefined && { repeatPenalty }) },
  maxTokens: Number(args.tokens),
  topN: 10,
  forcedTokens: [],
  stop: [],
})
const rates: Record<'off' | 'on', number[]> = { off: [], on: [] }
await runOurLoop(session, request())
for (let round = 0; round < Number(args.runs); round++) {
  for (const kind of round % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
    const stats = await runOurLoop(session, request(kind === 'on' ? 1.1 : undefined))
    rates[kind].push(stats.tokensPerSecond ?? NaN)
  }
}
const off = median(rates.off)
const on = median(rates.on)
const perToken = 1000 / on - 1000 / off
console.log(
  `${session.info.name} (vocabulary ${session.info.vocabSize}, ${session.threads} threads): ` +
    `${off.toFixed(1)} tok/s without, ${on.toFixed(1)} tok/s with a repeat penalty ` +
    `(ratio ${(on / off).toFixed(3)}, +${perToken.toFixed(2)} ms per token); ` +
    `off ${rates.off.map((r) => r.toFixed(1)).join(' ')} | on ${rates.on.map((r) => r.toFixed(1)).join(' ')}`,
)
await session.dispose()
process.exit(0)
