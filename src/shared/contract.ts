import type { ApiServerService } from './api-server'
import type { AppError } from './errors'
import type { ModelInfo, EngineStatus } from './engine-status'
import type { DownloadProgress, ModelFilesService } from './downloads'
import type { LearnService } from './learn'
import type { HardwareInfo, ModelInspection, ScannedModel } from './models'
import type { RemoteEngineService, ReportedNumbers } from './remote'
import type { SessionPage } from './session-pages'
import type { SessionService } from './sessions'
import type {
  CancelRequest,
  ExactEntropyRequest,
  GenerateManyRequest,
  InspectModelRequest,
  ScanModelsRequest,
  GenerateRequest,
  LoadModelRequest,
  SamplingSettings,
  InfluenceRequest,
  ScoreRequest,
  TokenizeRequest,
  TokenizeWithRequest,
} from './schemas'

export interface TokenText {
  id: number
  /** The token's text; may be part of a multi-byte character. */
  text: string
  /**
   * The token's own bytes, only where its text cannot show them: a token that holds part of a
   * multi-byte character has U+FFFD as its text.
   */
  bytes?: number[]
  /** A control token of the vocabulary (`<|im_start|>`, end of text), reported by tokenize. */
  special?: boolean
}

export interface TokenCandidate extends TokenText {
  /**
   * The model's logit up to one constant per step: ln of its probability, which is the raw logit
   * minus the log of the softmax's sum. Softmax, temperature and the sampler chain are the same
   * on either.
   */
  logit: number
  /** Softmax of the raw logits over the whole vocabulary. */
  modelProb: number
  /** Probability after the sampler chain; 0 when the chain removed it. */
  samplingProb: number
  /**
   * With a repeat penalty: how much all of the run's penalties moved this candidate's logit
   * (penalised logit − `logit`), as llama.cpp computed it. Absent when nothing moved it.
   */
  penaltyShift?: number
}

export interface GeneratedToken extends TokenCandidate {
  /** Position of the token in the context. */
  position: number
  /** 1 for the model's most likely token. */
  rank: number
  /**
   * Entropy of the model distribution at this step, in bits; with `entropyUpperBits`, a lower
   * bound of it.
   */
  entropyBits: number
  /**
   * Present when the entropy was bounded, not measured: the engine read only the head of a large
   * vocabulary's distribution (engine/bounded-head.ts), and the entropy lies between
   * `entropyBits` and this. Absent when `entropyBits` is exact.
   */
  entropyUpperBits?: number
  /** Top alternatives by model probability; the chosen token is among them if it ranks high enough. */
  alternatives: TokenCandidate[]
  /** Model probability mass outside the reported alternatives. */
  tailMass: number
  /**
   * The candidates after the alternatives, down to the last one the run's top-k (or, with top-k
   * off, its whole chain) could keep, at most `limits.labCandidates` in all: what the Sampling
   * Lab needs to replay the chain at this step. Absent when the alternatives already hold them.
   */
  moreCandidates?: TokenCandidate[]
  /**
   * How many `moreCandidates` the host holds for this token instead of streaming them (a run
   * recorded into a session); `loadRunCandidates` reads them. Absent when they came along.
   */
  heldCandidates?: number
  /** Set on a chat reply's reasoning ("thinking") tokens, markers included. */
  segment?: 'thought'
  /**
   * Which of the numbers above were measured, for a token from a remote engine (which reports
   * only a head of log-probabilities); absent for the local engine, which measures all of them.
   */
  reported?: ReportedNumbers
}

export interface RunStats {
  promptTokens: number
  /** Prompt tokens whose evaluation was reused from the previous run. */
  reusedPromptTokens: number
  /** Tokens llama.cpp evaluated in this run (prompt remainder plus generated tokens). */
  evaluatedTokens: number
  generatedTokens: number
  timeToFirstTokenMs: number | null
  /** Generation speed, excluding the prompt. */
  tokensPerSecond: number | null
}

/** How the prompt's tokens divide up, for the context gauge. */
export interface PromptParts {
  /** Tokens of the system prompt, with its template markup (chat only). */
  system: number
  /** All other prompt tokens: earlier turns, the new message, template markup. */
  history: number
  /** How many of the oldest messages were left out so the conversation fits. */
  droppedMessages: number
  /** The chat template that rendered the prompt, e.g. "ChatML"; null for raw completion. */
  template: string | null
}

export type StopReason =
  'end-of-generation' | 'max-tokens' | 'cancelled' | 'context-full' | 'stop-string'

export interface RunEventBase {
  runId: string
}

/** One earlier token removed: how the selected token's log-probability changed without it. */
export interface InfluenceItem {
  /** Position of the removed token in the text. */
  position: number
  /** ln p of the selected token with this token removed. */
  logProb: number
  /** `logProb` minus the baseline's: negative when the token helped the prediction. */
  change: number
}

/** What an occlusion measurement has cost so far. */
export interface InfluenceCost {
  /** Model evaluations (forward passes over a changed input), the baseline included. */
  evaluations: number
  /** Tokens evaluated, after reusing the cached prefix each changed input shares. */
  evaluatedTokens: number
  /** Tokens the same evaluations would have read without reusing any prefix. */
  withoutReuse: number
}

/** Every run emits one `started`, any number of `tokens`, then exactly one `ended` or `failed`. */
export type RunEvent =
  | (RunEventBase & {
      kind: 'started'
      prompt: TokenText[]
      /** The request's forced tokens, which follow the prompt. */
      forced: TokenText[]
      parts: PromptParts
      contextSize: number
      sampling: SamplingSettings
    })
  | (RunEventBase & {
      kind: 'tokens'
      tokens: GeneratedToken[]
      contextUsed: number
      stats: RunStats
    })
  | (RunEventBase & {
      /** An influence run's progress: the baseline first, then each token removed. */
      kind: 'influence'
      /** The text's tokens up to the selected one (last): set on the first event only. */
      context?: TokenText[]
      /** ln p of the selected token given the whole text before it; set on the first event. */
      baseline?: number
      /** How many earlier tokens will be removed in all. */
      total: number
      /** The tokens measured since the previous event. */
      items: InfluenceItem[]
      cost: InfluenceCost
    })
  | (RunEventBase & { kind: 'ended'; reason: StopReason; contextUsed: number; stats: RunStats })
  | (RunEventBase & { kind: 'failed'; error: AppError })

/** What the engine does. Implemented by the engine process; hosts relay it unchanged. */
export interface EngineService extends LearnService {
  /** The engine's state: backend, loaded model, last error. */
  getStatus(): Promise<EngineStatus>
  /** Loads a GGUF model (or the built-in demo model), replacing the current one. */
  loadModel(request: LoadModelRequest): Promise<ModelInfo>
  /** Frees the loaded model's memory. */
  unloadModel(): Promise<void>
  /**
   * Matches the loaded model's chat template now (once per model; see `chat-wrapper.ts`), so the
   * first chat reply does not wait for it. Nothing to do without a model; never fails.
   */
  prepareChat(): Promise<void>
  /** Reads a model's header: its card and whether a load with these options fits in memory. */
  inspectModel(request: InspectModelRequest): Promise<ModelInspection>
  /** Lists the .gguf files of a folder with their cards, or why each cannot be used. */
  scanModels(request: ScanModelsRequest): Promise<ScannedModel[]>
  /** The compute backend, devices and memory of this machine. */
  getHardware(): Promise<HardwareInfo>
  /** Splits text into the loaded model's tokens. */
  tokenize(request: TokenizeRequest): Promise<TokenText[]>
  /**
   * Splits text with the tokenizer of any GGUF file, opening only its vocabulary (no weights);
   * the loaded model is not touched.
   */
  tokenizeWith(request: TokenizeWithRequest): Promise<TokenText[]>
  /** Starts generating; progress arrives as RunEvents tagged with `request.runId`. */
  generate(request: GenerateRequest): Promise<void>
  /**
   * Starts several runs on one input at once, as parallel sequences of one context (batched
   * decoding); each run's events carry its own run id.
   */
  generateMany(request: GenerateManyRequest): Promise<void>
  /**
   * Reads a text with the model, each token given the ones before it (teacher forcing): reported
   * as a run whose first token is the prompt and whose "generated" tokens are the text's others.
   */
  score(request: ScoreRequest): Promise<void>
  /**
   * Measures token influence by occlusion, as a run: `influence` events with the baseline and
   * each removed token's effect on the selected token's log-probability, then `ended`.
   */
  influence(request: InfluenceRequest): Promise<void>
  /**
   * The exact entropy of the step after `request.tokens` (the context before a token whose
   * entropy a run only bounded): every probability read once. Reuses what the context holds of
   * those tokens; refused with 'run-busy' while a run goes on.
   */
  exactEntropy(request: ExactEntropyRequest): Promise<ExactEntropy>
  /** Stops a run; its partial output is kept and it ends with reason `cancelled`. */
  cancel(request: CancelRequest): Promise<void>
}

export interface ExactEntropy {
  /** −Σ p log₂ p over the whole vocabulary. */
  entropyBits: number
}

/** What the host does to the engine process itself. */
export interface EngineControlService {
  /**
   * Starts the engine again after the host gave up on it, and reloads the last model that
   * loaded (the demo model when there is none, or when that model ended the engine).
   */
  restartEngine(): Promise<ModelInfo>
  /**
   * Tokens of a run this UI followed, whole (alternatives and `moreCandidates`), as a page: the
   * candidates the host held back from the stream (`GeneratedToken.heldCandidates`).
   */
  loadRunCandidates(request: RunCandidatesRequest): Promise<SessionPage>
}

/** Tokens `from` to `to` (exclusive) of run `runId`, counted in the order its events brought them. */
export interface RunCandidatesRequest {
  runId: string
  from: number
  to: number
}

/** What the engine tells its clients, unasked. */
export interface EngineEvents {
  onRunEvent(event: RunEvent): void
  onStatus(status: EngineStatus): void
  /** From the host, not the engine: progress of a model download. */
  onDownload(progress: DownloadProgress): void
}

/**
 * Everything the UI can ask of its host: the engine's work, saved sessions, model files, and the
 * OpenAI-compatible API's state.
 */
export type AppService = EngineService &
  EngineControlService &
  SessionService &
  ModelFilesService &
  ApiServerService &
  RemoteEngineService
