import type { LlamaContext } from 'node-llama-cpp'
import { penaltiesActive } from '../../shared/penalties'
import type { SamplingSettings } from '../../shared/schemas'

/**
 * With the fast binary, a step asks llama.cpp for the head of the distribution instead of all of
 * it (patches/node-llama-cpp/0002): the `top` most likely tokens, extended until they hold
 * `mass` of the probability or one falls below `minRatio` of the most likely, plus the exact
 * entropy and candidate count of the whole distribution. That is everything the sampler chain and
 * the display need, so neither the sort nor the copy of a 152k-token vocabulary is paid.
 */
export interface HeadRequest {
  top: number
  mass: number
  minRatio: number
}

/**
 * What a run needs to see of each step's distribution; null when it needs all of it: penalties
 * move tokens from anywhere in the vocabulary, and a chain without top-k, top-p and min-p keeps
 * every token.
 */
export function headRequestFor(sampling: SamplingSettings, topN: number): HeadRequest | null {
  if (penaltiesActive(sampling)) return null
  const top = Math.max(1, topN)
  // Down to top-k's cut even when greedy: the Sampling Lab replays the chain from those.
  if (sampling.topK > 0) return { top: Math.max(top, sampling.topK), mass: 1, minRatio: 0 }
  if (sampling.temperature <= 0) return { top, mass: 1, minRatio: 0 }
  const mass = sampling.topP < 1 ? sampling.topP : 1
  const minRatio = sampling.minP > 0 ? sampling.minP : 0
  if (mass >= 1 && minRatio <= 0) return null
  return { top, mass, minRatio }
}

/**
 * One request that serves several runs on one context (Compare's columns): the largest `top`,
 * when their cut-offs agree; else all of the distribution.
 */
export function unionOfHeads(requests: readonly (HeadRequest | null)[]): HeadRequest | null {
  const first = requests[0]
  if (!first) return null
  for (const request of requests) {
    if (!request || request.mass !== first.mass || request.minRatio !== first.minRatio) return null
  }
  return { ...first, top: Math.max(...requests.map((r) => r!.top)) }
}

interface HeadAddon {
  setProbabilitiesHead?: (top: number, mass: number, minRatio: number) => void
}

/** The addon context behind a LlamaContext, where the fast binary has its head API. */
function addonOf(context: LlamaContext): HeadAddon | null {
  const addon = (context as unknown as { _ctx?: HeadAddon })._ctx
  return typeof addon?.setProbabilitiesHead === 'function' ? addon : null
}

export function supportsHead(context: LlamaContext): boolean {
  return addonOf(context) !== null
}

const claims = new WeakMap<LlamaContext, Map<symbol, HeadRequest | null>>()

/**
 * Sets the context's head request for the runs now on it, this one included, until the returned
 * function is called. A run's steps happen between its claim and its release, so each sees a
 * head that serves it. Does nothing on the prebuilt binary.
 */
export function claimHead(context: LlamaContext, request: HeadRequest | null): () => void {
  const addon = addonOf(context)
  if (!addon) return () => undefined
  let held = claims.get(context)
  if (!held) claims.set(context, (held = new Map()))
  const key = Symbol('run')
  held.set(key, request)
  apply(addon, held)
  return () => {
    held.delete(key)
    apply(addon, held)
  }
}

function apply(addon: HeadAddon, held: Map<symbol, HeadRequest | null>) {
  const head = unionOfHeads([...held.values()])
  if (head) addon.setProbabilitiesHead?.(head.top, head.mass, head.minRatio)
  else addon.setProbabilitiesHead?.(0, 1, 0)
}
