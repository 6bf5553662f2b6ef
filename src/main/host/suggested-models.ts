import type { SuggestedModel } from '../../shared/downloads'

/** Small instruction-tuned models that run on a laptop CPU; sizes are the files' approximate sizes. */
export const suggestedModels: SuggestedModel[] = [
  {
    name: 'SmolLM2 360M Instruct (Q8_0)',
    sizeBytes: 386_000_000,
    goodFor: 'The quickest real model: watch probabilities on a model that barely knows anything.',
    uri: 'hf:HuggingFaceTB/SmolLM2-360M-Instruct-GGUF/smollm2-360m-instruct-q8_0.gguf',
  },
  {
    name: 'Qwen2.5 0.5B Instruct (Q4_K_M)',
    sizeBytes: 491_000_000,
    goodFor: 'Small, fast chat in many languages; a 152k-token vocabulary to explore.',
    uri: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
  },
  {
    name: 'Llama 3.2 1B Instruct (Q4_K_M)',
    sizeBytes: 808_000_000,
    goodFor: 'Noticeably better answers while still quick on a CPU.',
    uri: 'hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf',
  },
]
