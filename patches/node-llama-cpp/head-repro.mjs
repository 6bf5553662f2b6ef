// Reproduction for 0004/0005: the cost of reading the probabilities head alone, without the
// model's forward pass around it.
//
//   node head-repro.mjs MODEL.gguf [head] [calls]
//
// Evaluates a prompt once; on its last token, while the logits are there, it calls the addon's
// sampleToken `calls` times asking for the head of `head` candidates (setProbabilitiesHead, 0002)
// and `calls` times asking for no probabilities, alternating, and prints the median time of each
// and their difference: what the head costs per generated token. REPRO_ADDON as in repro.mjs.
import { performance } from 'node:perf_hooks'
import { llamaForRepro } from './llama-for-repro.mjs'

const [modelPath, headArg = '20', callsArg = '400'] = process.argv.slice(2)
if (!modelPath) throw new Error('usage: node head-repro.mjs MODEL.gguf [head] [calls]')
const head = Number(headArg)
const calls = Number(callsArg)

const llama = await llamaForRepro()
const model = await llama.loadModel({ modelPath })
const context = await model.createContext({ contextSize: 1024 })
if (typeof context._ctx.setProbabilitiesHead !== 'function')
  throw new Error('this addon has no setProbabilitiesHead (0002)')
context._ctx.setProbabilitiesHead(head, 1, 0)

const timings = { head: [], none: [] }
const addonContext = context._ctx
const sampleToken = addonContext.sampleToken.bind(addonContext)
async function timedSampleToken(batchLogitIndex, sampler, probabilities, confidence) {
  for (let call = 0; call < calls; call++) {
    for (const kind of call % 2 === 0 ? ['head', 'none'] : ['none', 'head']) {
      const start = performance.now()
      await sampleToken(batchLogitIndex, sampler, kind === 'head', false)
      timings[kind].push(performance.now() - start)
    }
  }
  return sampleToken(batchLogitIndex, sampler, probabilities, confidence)
}
// The addon's methods are read-only: node-llama-cpp gets a stand-in that times sampleToken.
context._ctx = new Proxy(addonContext, {
  get: (target, key) =>
    key === 'sampleToken'
      ? timedSampleToken
      : typeof target[key] === 'function'
        ? target[key].bind(target)
        : target[key],
})

const prompt = model.tokenize('The quick brown fox jumps over the lazy dog. A token is', true)
const generateNext = { token: true, probabilities: true, options: { temperature: 0 } }
await context
  .getSequence()
  .controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, { generateNext }] : t)))

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1]
const withHead = median(timings.head)
const without = median(timings.none)
console.log(
  `vocabulary ${model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? '?'}, head ${head}, ` +
    `${calls} calls each: sampleToken ${(withHead * 1000).toFixed(0)} µs with the head, ` +
    `${(without * 1000).toFixed(0)} µs without, the head costs ${((withHead - without) * 1000).toFixed(0)} µs`,
)
await context.dispose()
await model.dispose()
await llama.dispose()
