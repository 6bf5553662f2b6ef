import type { TokenText } from '../../../../shared/contract'
import { toAppError, type AppError } from '../../../../shared/errors'
import { learnLimits, type TokenEmbeddings } from '../../../../shared/learn'
import type { ModelCard } from '../../../../shared/models'
import { getConnection, makeRunId } from '../../services/engine-connection'
import { canStartRun } from '../../stores/engine-reducer'
import { initialRunState, isActive, runReducer } from '../../stores/run-reducer'
import { createStore } from '../../stores/store'
import { engineStore, samplingForRun } from '../../stores/stores'

/** The pipeline's one-token run: its prompt is the sentence, its one token the next one. */
export const pipelineRunStore = createStore(runReducer, initialRunState)

/** What the model file says, for the embedding and layer steps. */
export interface PipelineFacts {
  runId: string | null
  card: ModelCard | null
  rows: TokenEmbeddings | null
  /** Why the card or the rows could not be read; the steps say so instead of showing numbers. */
  error: AppError | null
}

const noFacts: PipelineFacts = { runId: null, card: null, rows: null, error: null }
type FactsAction =
  | { type: 'reset'; runId: string }
  | ({ type: 'read'; runId: string } & Partial<Omit<PipelineFacts, 'runId'>>)

export const pipelineFactsStore = createStore((state: PipelineFacts, action: FactsAction) => {
  if (action.type === 'reset') return { ...noFacts, runId: action.runId }
  // What arrives for an earlier sentence is dropped.
  if (action.runId !== state.runId) return state
  const { type: _type, ...change } = action
  return { ...state, ...change }
}, noFacts)

/** How many alternatives the walk-through shows at the logit and probability steps. */
export const pipelineTopN = 10
/** Values shown of each token's embedding. */
export const pipelineValues = 8

/** Reads `text` with the loaded model and generates exactly one token, with the panel's sampling. */
export function startPipeline(text: string): void {
  const engine = engineStore.getState()
  const model = engine.status?.model
  if (!model || text.trim() === '' || isActive(pipelineRunStore.getState())) return
  if (!canStartRun(engine, 'pipeline')) return
  const runId = makeRunId()
  const sampling = samplingForRun()
  pipelineRunStore.dispatch({ type: 'requested', runId, promptText: text, sampling, maxTokens: 1 })
  pipelineFactsStore.dispatch({ type: 'reset', runId })
  let asked = false
  getConnection().followRun(runId, 'pipeline', (events) => {
    if (pipelineRunStore.getState().runId !== runId) return
    pipelineRunStore.dispatch({ type: 'events', events })
    const started = events.find((event) => event.kind === 'started')
    if (started?.kind === 'started' && !asked) {
      asked = true
      void readRows(runId, started.prompt)
    }
  })
  const connection = getConnection()
  connection.bridge
    .generate({ runId, prompt: text, sampling, maxTokens: 1, topN: pipelineTopN })
    .catch((error: unknown) => {
      getConnection().unfollowRuns([runId])
      pipelineRunStore.dispatch({ type: 'requestFailed', runId, error: toAppError(error) })
    })
  connection.bridge
    .inspectModel({ source: model.isDemo ? { kind: 'demo' } : { kind: 'file', path: model.path } })
    .then(
      ({ card }) => pipelineFactsStore.dispatch({ type: 'read', runId, card }),
      (error: unknown) =>
        pipelineFactsStore.dispatch({ type: 'read', runId, error: toAppError(error) }),
    )
}

async function readRows(runId: string, prompt: readonly TokenText[]) {
  const tokenIds = prompt.slice(0, learnLimits.embeddingRows).map((t) => t.id)
  if (tokenIds.length === 0) return
  try {
    const rows = await getConnection().bridge.readTokenEmbeddings({
      tokenIds,
      values: pipelineValues,
    })
    pipelineFactsStore.dispatch({ type: 'read', runId, rows })
  } catch (error) {
    pipelineFactsStore.dispatch({ type: 'read', runId, error: toAppError(error) })
  }
}
