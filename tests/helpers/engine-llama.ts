import { join } from 'node:path'
import type { Llama } from 'node-llama-cpp'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import type { EngineBinaryInfo } from '../../src/shared/engine-status'

const demoModelPath = join(import.meta.dirname, '../../resources/models/tokenscope-demo.gguf')

/** Prints once per test file which llama.cpp binary its numbers come from. */
let told = false
export function tellEngineBinary(binary: EngineBinaryInfo | null | undefined): void {
  if (told || !binary) return
  told = true
  console.log(`[engine binary] ${binary.label}: ${binary.reason}`)
}

/**
 * llama.cpp on the CPU as the engine starts it: the fast binary when one is built and passes its
 * self-check (or as TOKENSCOPE_ENGINE_BINARY says), else the prebuilt one.
 */
export async function engineLlama(): Promise<Llama> {
  const runtime = await startLlamaRuntime({ preferred: 'cpu', demoModelPath })
  tellEngineBinary(runtime.binary)
  return runtime.llama
}
