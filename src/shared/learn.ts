import { z } from 'zod'

/** Bounds of the Learn views' engine requests. */
export const learnLimits = {
  /** Texts per embedding request; the UI sends longer lists in parts and shows the progress. */
  embedTexts: 16,
  /** Texts in a list the Embeddings view accepts. */
  embedList: 64,
  embedTextChars: 200,
  /** Token rows one request may read from the embedding table. */
  embeddingRows: 64,
  /** Values read from the start of each row. */
  embeddingValues: 32,
} as const

export const embedRequestSchema = z.object({
  texts: z
    .array(
      z
        .string()
        .min(1, 'a text is empty')
        .max(learnLimits.embedTextChars, `a text is longer than ${learnLimits.embedTextChars}`),
    )
    .min(1, 'no texts')
    .max(learnLimits.embedTexts),
})
export type EmbedRequest = z.input<typeof embedRequestSchema>

/** How one text's token vectors became one vector. */
export type EmbeddingPooling = 'last-token' | 'mean' | 'cls'

export interface EmbeddingsResult {
  /** The length of every vector: the model's d_model (n_embd). */
  dimensions: number
  /** One vector per text, in the request's order. */
  vectors: number[][]
  /** How many tokens each text was, with the BOS/EOS tokens the model adds. */
  tokenCounts: number[]
  pooling: EmbeddingPooling
}

export const tokenEmbeddingsRequestSchema = z.object({
  tokenIds: z.array(z.int().min(0)).min(1).max(learnLimits.embeddingRows),
  values: z.int().min(1).max(learnLimits.embeddingValues),
})
export type TokenEmbeddingsRequest = z.input<typeof tokenEmbeddingsRequestSchema>

/** The first values of tokens' rows of the input embedding table (`token_embd.weight`). */
export interface TokenEmbeddings {
  /** The table's length per token (d_model). */
  dimensions: number
  /** How the table is stored, e.g. "F32", "Q4_K". */
  storage: string
  /** Each requested token's first values; null when the engine cannot read this storage. */
  rows: number[][] | null
  /** Why `rows` is null. */
  unreadable: string | null
}

/** What the Learn views ask of the engine beyond tokenize and score. */
export interface LearnService {
  /**
   * The loaded model's embedding of each text (node-llama-cpp's embedding context, created for
   * the call and freed after it; the model's own context is untouched).
   */
  embed(request: EmbedRequest): Promise<EmbeddingsResult>
  /** Reads the start of tokens' input embedding vectors from the model file. */
  readTokenEmbeddings(request: TokenEmbeddingsRequest): Promise<TokenEmbeddings>
}
