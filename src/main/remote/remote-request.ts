import { remoteTopLogprobs, type ReportedProbability } from '../../shared/remote'
import type { ValidGenerateRequest } from '../../shared/schemas'

/**
 * The body of a streaming request for one run: chat for a conversation, completions for a raw
 * prompt, always asking for the top log-probabilities. `top_k` and `min_p` are llama-server's
 * (vLLM and SGLang take them too); a server that does not know a field ignores it.
 */
export function remoteRequestBody(
  request: ValidGenerateRequest,
  model: string,
  probabilities: ReportedProbability = 'model',
) {
  const { sampling } = request
  const common = {
    model,
    // llama-server reports the sampler's output only when asked (and then as `prob`/`top_probs`);
    // the other servers choose at launch and ignore the field.
    ...(probabilities === 'sampling' && { post_sampling_probs: true }),
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: request.maxTokens,
    temperature: sampling.temperature,
    top_p: sampling.topP,
    top_k: sampling.topK,
    min_p: sampling.minP,
    seed: sampling.seed,
    ...(request.stop.length > 0 && { stop: request.stop }),
    ...(sampling.presencePenalty !== undefined && { presence_penalty: sampling.presencePenalty }),
    ...(sampling.frequencyPenalty !== undefined && {
      frequency_penalty: sampling.frequencyPenalty,
    }),
    // llama-server's names (Ollama's OpenAI endpoint and others ignore them).
    ...(sampling.repeatPenalty !== undefined && { repeat_penalty: sampling.repeatPenalty }),
    ...(sampling.penaltyWindow !== undefined && { repeat_last_n: sampling.penaltyWindow }),
  }
  const top = Math.min(request.topN, remoteTopLogprobs)
  if (request.chat) {
    const { system, messages } = request.chat
    return {
      path: '/chat/completions',
      body: {
        ...common,
        messages: [...(system !== '' ? [{ role: 'system', content: system }] : []), ...messages],
        logprobs: true,
        top_logprobs: top,
      },
    }
  }
  return { path: '/completions', body: { ...common, prompt: request.prompt ?? '', logprobs: top } }
}
