import { z } from 'zod'

/**
 * Remote engines: OpenAI-compatible servers (llama-server, vLLM, SGLang, Ollama, LM Studio,
 * another Tokenscope) that the host asks for tokens and their log-probabilities. The renderer
 * never talks to them itself; it names an endpoint by id and the host makes the requests.
 */

/** OpenAI's cap on `top_logprobs`, which most servers keep: what a remote run asks for at most. */
export const remoteTopLogprobs = 20

/** What a server's `top_logprobs` measure: the raw softmax, or the sampler chain's output. */
export type ReportedProbability = 'model' | 'sampling'

/** A saved endpoint as the UI sees it: the key itself never comes back. */
export interface RemoteEndpoint {
  id: string
  /** The base URL, ending in /v1. */
  url: string
  /** The key's last four characters, for recognising it; null when there is no key. */
  keyHint: string | null
  probabilities: ReportedProbability
}

export interface RemoteModel {
  id: string
  /** Who serves it, as the server says (`owned_by`); null when it does not say. */
  ownedBy: string | null
}

/** The models one endpoint serves. */
export interface RemoteModelList {
  endpointId: string
  models: RemoteModel[]
}

/**
 * Which numbers of a token were measured. Tokens from a remote engine carry it; a local token
 * (where every number is measured) has none. What is false is shown as "not reported".
 */
export interface ReportedNumbers {
  modelProb: boolean
  samplingProb: boolean
  /** Entropy needs every probability; a server's head of at most 20 only bounds it. */
  entropy: boolean
  /** False when the chosen token was not among the reported alternatives. */
  rank: boolean
  /** How many alternatives the server returned for this token (its cap, or fewer). */
  alternatives: number
  /** Whether the server sent token ids (llama-server does); without them the id shows as unknown. */
  tokenId: boolean
}

const reportedBits = { modelProb: 1, samplingProb: 2, entropy: 4, rank: 8, tokenId: 16 } as const

/** The flags of `ReportedNumbers` as one small number, for the session files' columns. */
export function encodeReported(reported: ReportedNumbers): number {
  let bits = 0
  for (const [key, bit] of Object.entries(reportedBits))
    if (reported[key as keyof typeof reportedBits]) bits |= bit
  return bits
}

export function decodeReported(bits: number, alternatives: number): ReportedNumbers {
  const has = (bit: number) => (bits & bit) !== 0
  return {
    modelProb: has(reportedBits.modelProb),
    samplingProb: has(reportedBits.samplingProb),
    entropy: has(reportedBits.entropy),
    rank: has(reportedBits.rank),
    alternatives,
    tokenId: has(reportedBits.tokenId),
  }
}

export const reportedNumbersSchema = z.object({
  modelProb: z.boolean(),
  samplingProb: z.boolean(),
  entropy: z.boolean(),
  rank: z.boolean(),
  alternatives: z.int().min(0).max(1000),
  tokenId: z.boolean(),
})

const endpointId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'an endpoint id uses only letters, digits, - and _')

export const addRemoteEndpointSchema = z.object({
  url: z
    .string()
    .trim()
    .min(1, 'the address is empty')
    .max(2000, 'the address is longer than 2000 characters'),
  /** Sent as `Authorization: Bearer <key>`; empty or absent for a server without one. */
  key: z.string().max(4000, 'the key is longer than 4000 characters').optional(),
  /**
   * What the server's log-probabilities are: raw ones (llama-server's default
   * `post_sampling_probs: false`, vLLM's default `logprobs_mode`) are model probabilities;
   * post-sampling ones (llama-server's `post_sampling_probs: true`, vLLM's
   * `logprobs_mode=processed_logprobs`) are sampling probabilities, and the model's are unmeasured.
   */
  probabilities: z.enum(['model', 'sampling']).default('model'),
})
export type AddRemoteEndpointRequest = z.input<typeof addRemoteEndpointSchema>

export const remoteEndpointRefSchema = z.object({ endpointId: endpointId })
export type RemoteEndpointRef = z.infer<typeof remoteEndpointRefSchema>

/** The engine of one run: a model of a saved endpoint. Absent: the local engine. */
export const remoteChoiceSchema = z.object({
  endpointId,
  model: z.string().min(1, 'no model was picked').max(1024),
})
export type RemoteChoice = z.infer<typeof remoteChoiceSchema>

export interface RemoteEngineService {
  /** The saved endpoints (keys hidden). */
  listRemoteEndpoints(): Promise<RemoteEndpoint[]>
  /** Saves an endpoint after checking its address; it is not contacted yet. */
  addRemoteEndpoint(request: AddRemoteEndpointRequest): Promise<RemoteEndpoint>
  /** Forgets an endpoint and its key. */
  removeRemoteEndpoint(request: RemoteEndpointRef): Promise<void>
  /** Asks the endpoint for its models (GET /v1/models); fails with a readable reason. */
  listRemoteModels(request: RemoteEndpointRef): Promise<RemoteModelList>
}
