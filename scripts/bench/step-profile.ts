/**
 * Per-token JavaScript cost of the engine's loop: runs it in this process on the bench model and
 * reports main-thread milliseconds per token from a CPU profile of the runs alone (everything but
 * idle), split by function. `npx tsx scripts/bench/step-profile.ts [--k0] [--greedy]
 * [--threads N] --out FILE` writes the profile; `--summarise FILE --tokens N` reads one back
 * (N: tokens in all).
 */
import './engine-like-process'
import { readFileSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import { defaultSampling, type ValidGenerateRequest } from '../../src/shared/schemas'
import { defaultBenchModelPath } from './bench-model'
import type { Token } from 'node-llama-cpp'
import { claimHead, headRequestFor } from '../../src/main/engine/probability-head'
import { sampleStep } from '../../src/main/engine/step-reader'
import { hookStepSampler } from '../../src/main/engine/step-sampler'
import { openBenchSession, runOurLoop } from './in-process'
import { repoRoot } from './processes'

const { values: args } = parseArgs({
  options: {
    k0: { type: 'boolean', default: false },
    greedy: { type: 'boolean', default: false },
    threads: { type: 'string' },
    tokens: { type: 'string', default: '48' },
    runs: { type: 'string', default: '2' },
    model: { type: 'string' },
    summarise: { type: 'string' },
    out: { type: 'string', default: 'step.cpuprofile' },
    /** Times the step reader alone on steps read from the model, the Map path against the flat. */
    micro: { type: 'boolean', default: false },
  },
  allowPositionals: true,
})

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
}

if (args.summarise) {
  const profile = JSON.parse(readFileSync(args.summarise, 'utf8')) as {
    nodes: ProfileNode[]
    samples: number[]
    timeDeltas: number[]
  }
  const tokens = Number(args.tokens)
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let busy = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame
    const ms = (profile.timeDeltas[i] ?? 0) / 1000
    const name = `${frame?.functionName || '(anonymous)'} ${(frame?.url ?? '').split('/').slice(-2).join('/')}:${frame?.lineNumber ?? 0}`
    if (frame?.functionName === '(idle)') return
    busy += ms
    self.set(name, (self.get(name) ?? 0) + ms)
  })
  console.log(`busy main thread: ${(busy / tokens).toFixed(2)} ms per token (${tokens} tokens)`)
  for (const [name, ms] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log(`${(ms / tokens).toFixed(3).padStart(8)} ms  ${name}`)
  process.exit(0)
}

const runtime = await startLlamaRuntime({
  demoModelPath: join(repoRoot, 'resources/models/tokenscope-demo.gguf'),
})
console.error(`engine binary: ${runtime.binary.label}`)
const session = await openBenchSession(runtime.llama, args.model ?? defaultBenchModelPath(), {
  threads: args.threads ? Number(args.threads) : runtime.llama.cpuMathCores,
})
const sampling = {
  ...defaultSampling,
  ...(args.k0 ? { topK: 0 } : {}),
  ...(args.greedy ? { temperature: 0 } : {}),
}
const tokens = Number(args.tokens)
const prompt = 'The quick brown fox jumps over the lazy dog. A token is a piece of text, and'
const request: ValidGenerateRequest = {
  runId: 'profile',
  prompt,
  sampling,
  maxTokens: tokens,
  topN: 20,
  forcedTokens: [],
  stop: [],
}
if (args.micro) {
  await microBench()
  process.exit(0)
}

// One run unprofiled: the first compiles and warms what the others reuse.
await runOurLoop(session, { ...request, maxTokens: 8 })
const inspector = new Session()
inspector.connect()
await inspector.post('Profiler.enable')
await inspector.post('Profiler.setSamplingInterval', { interval: 200 })
await inspector.post('Profiler.start')
for (let run = 0; run < Number(args.runs); run++) {
  const stats = await runOurLoop(session, request)
  console.error(`run ${run}: ${stats.tokensPerSecond?.toFixed(2)} tok/s`)
}
const { profile } = await inspector.post('Profiler.stop')
writeFileSync(args.out, JSON.stringify(profile))
await session.dispose()
console.error(`tokens in all: ${tokens * Number(args.runs)}`)

/** Per-step milliseconds of sampleStep (median of many), on real steps of this model. */
async function microBench() {
  const { sequence, model } = session
  await sequence.clearHistory()
  const release = claimHead(sequence.context, headRequestFor(sampling, request.topN))
  const reader = hookStepSampler(model, sequence)
  const steps: ArrayLike<number>[] = []
  const generator = sequence.evaluateWithMetadata(
    model.tokenize(prompt, true),
    {},
    {
      temperature: 0,
      yieldEogToken: true,
    },
  )
  try {
    let feed: Token | undefined
    for (let k = 0; k < 8; k++) {
      const next = await generator.next(feed as Token)
      if (next.done) break
      steps.push(reader.take() ?? [])
      feed = next.value.token
    }
  } finally {
    await generator.return()
    reader.release()
    release()
  }
  const time = (label: string, step: (k: number) => void) => {
    const times: number[] = []
    for (let round = 0; round < 20; round++)
      for (let k = 0; k < steps.length; k++) {
        const start = performance.now()
        step(k)
        times.push(performance.now() - start)
      }
    times.sort((a, b) => a - b)
    console.log(
      `${label}: median ${times[times.length >> 1]?.toFixed(3)} ms, min ${times[0]?.toFixed(3)} ms`,
    )
  }
  console.log(`${steps[0]?.length ?? 0} numbers per step (${args.k0 ? 'top-k off' : 'top-k 40'})`)
  const asMap = (pairs: ArrayLike<number>) => {
    // node-llama-cpp's reviveTokenProbabilities
    const map = new Map<Token, number>()
    for (let i = 1; i < pairs.length; i += 2) map.set(pairs[i - 1] as Token, pairs[i] ?? 0)
    return map
  }
  time('Map (node-llama-cpp) + sampleStep over it', (k) =>
    sampleStep(model, { probabilities: asMap(steps[k]!) }, sampling, 20, 10, k),
  )
  time('sampleStep over the flat array', (k) =>
    sampleStep(model, { pairs: steps[k]! }, sampling, 20, 10, k),
  )
}
