/** One request to the OpenAI-compatible API, as its request log shows it. */
export interface ApiRequestRecord {
  at: string
  method: string
  path: string
  status: number
  durationMs: number
  /** For generations: prompt and generated tokens (all choices), and the first choice's speed. */
  promptTokens: number | null
  completionTokens: number | null
  tokensPerSecond: number | null
}

/** The OpenAI-compatible API as the Server panel shows it. */
export interface ApiServerStatus {
  /** `off` in the desktop app and in `serve` without `--api`. */
  state: 'off' | 'listening'
  /** The base URL clients use (ending in /v1), while listening. */
  url: string | null
  /** Whether requests are saved as sessions. */
  recording: boolean
  /** The latest requests, newest first. */
  requests: ApiRequestRecord[]
}

export const apiServerOff: ApiServerStatus = {
  state: 'off',
  url: null,
  recording: false,
  requests: [],
}

export interface ApiServerService {
  /** Whether the OpenAI-compatible API is on, where, and its latest requests. */
  getApiServer(): Promise<ApiServerStatus>
}
