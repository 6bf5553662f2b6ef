// Reproduction for 0001/0002: tokens per second of a controlledEvaluate loop that asks for the
// next token's probabilities, against the same loop without them.
//
//   node repro.mjs MODEL.gguf [tokens] [head]
//
// With `head` (e.g. 20) and an addon with 0002 applied, the loop asks for that many candidates
// (setProbabilitiesHead) instead of all of them. Loads node-llama-cpp the usual way (getLlama),
// so a local build made after applying the patches (`npx node-llama-cpp source build`) is used.
// Set REPRO_ADDON=/path/to/llama-addon.node to load an addon from elsewhere instead.
import { performance } from 'node:perf_hooks'
import { llamaForRepro } from './llama-for-repro.mjs'

const [modelPath, tokensArg = '64', headArg = '0'] = process.argv.slice(2)
if (!modelPath) throw new Error('usage: node repro.mjs MODEL.gguf [tokens] [head]')
const tokens = Number(tokensArg)
const head = Number(headArg)

const llama = await llamaForRepro()
const model = await llama.loadModel({ modelPath })
const threads = Number(process.env.REPRO_THREADS ?? 0) || undefined
const context = await model.createContext({ contextSize: 1024, threads })
const sequence = context.getSequence()

async function loop(probabilities) {
  await sequence.clearHistory()
  let input = model.tokenize('The quick brown fox jumps over the lazy dog. A token is', true)
  const times = []
  while (times.length < tokens) {
    const generateNext = { token: true, options: { temperature: 0 }, probabilities }
    const items = input.map((t, i) => (i === input.length - 1 ? [t, { generateNext }] : t))
    const results = await sequence.controlledEvaluate(items)
    times.push(performance.now())
    input = [results.at(-1).next.token]
  }
  return ((times.length - 1) * 1000) / (times.at(-1) - times[0])
}

if (head > 0) context._ctx.setProbabilitiesHead(head)
await loop(true) // warm-up
const rows = []
for (let round = 0; round < 4; round++) {
  // ABBA: with, without, without, with.
  const order = round % 3 === 0 ? [true, false] : [false, true]
  const result = {}
  for (const probabilities of order) result[probabilities] = await loop(probabilities)
  rows.push(result)
}
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1]
const withProbs = median(rows.map((r) => r.true))
const without = median(rows.map((r) => r.false))
console.log(
  `${head > 0 ? `head ${head}` : 'every probability'}: ${withProbs.toFixed(2)} tok/s, ` +
    `without probabilities ${without.toFixed(2)} tok/s, ratio ${(withProbs / without).toFixed(3)}`,
)
await context.dispose()
await model.dispose()
await llama.dispose()
