/**
 * Case 2.peer (`npm run bench -- --peer`, once `npm run peer:build` has built it): Tokenscope
 * over its WebSocket with 20 alternatives per token against llama.cpp's own `llama-server`
 * streaming 20 log-probabilities per token, on the same model, threads and context size.
 */
import { isPeerBuilt, llamaServerPath, startLlamaServer } from '../../tests/helpers/llama-server'
import { apiRate, socketRate } from './case-api'
import type { RateCaseOptions } from './case-stack'
import type { EngineEndpoint } from './processes'
import { interleave, ratioRow, type BenchRow } from './stats'

export interface PeerCaseOptions extends RateCaseOptions {
  modelPath: string
  threads: number
  contextSize: number
}

export async function peerCase(
  stack: EngineEndpoint,
  options: PeerCaseOptions,
): Promise<BenchRow[]> {
  if (!isPeerBuilt()) {
    options.log(`case 2.peer skipped: ${llamaServerPath()} is not built (npm run peer:build)`)
    return []
  }
  const { runs, generatedTokens } = options
  const topN = 20
  const server = await startLlamaServer({
    modelPath: options.modelPath,
    threads: options.threads,
    contextSize: options.contextSize,
  })
  options.log(`case 2.peer: ${runs} × ${generatedTokens} tokens, WebSocket vs llama-server`)
  try {
    const pairs = await interleave(
      runs,
      () => socketRate(stack, generatedTokens, topN),
      () => apiRate(server, generatedTokens, topN),
      { beforeEach: options.beforeEach },
    )
    return [
      ratioRow(
        {
          id: '2.peer',
          measure: `Tokenscope over its WebSocket (${topN} alternatives) vs llama-server streaming ${topN} log-probabilities, ${options.threads} thread(s)`,
          unit: 'tok/s',
        },
        pairs,
        { atLeast: 1 },
      ),
    ]
  } finally {
    await server.stop()
  }
}
