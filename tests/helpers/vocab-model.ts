import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { GgufValue } from '../../src/main/gguf/format'
import { gguf } from '../../tools/gguf/writer'
import { benchTokenizerMetadata } from '../../scripts/bench/bench-model'
import { demoWith } from './hostile-models'

/**
 * A second real tokenizer for comparisons: the demo model's file with the bench model's
 * vocabulary (151,936 synthetic byte-level BPE tokens, Qwen2.5's size and special tokens) in
 * place of its own. Its tensors no longer match the vocabulary, so only a vocab-only load (the
 * Tokenizer's comparison) can open it: that is the point, no weights are read.
 */
export function writeBenchVocabularyModel(folder: string, name = 'bench-vocabulary.gguf'): string {
  const changes: Record<string, GgufValue | null> = {
    'general.name': gguf.string('Bench vocabulary'),
    'tokenizer.chat_template': null,
  }
  for (const { key, value } of benchTokenizerMetadata()) changes[key] = value
  const path = join(folder, name)
  writeFileSync(path, demoWith(changes))
  return path
}
