/**
 * Which llama.cpp binary the engine runs. The fast binary is optional (npm run build:engine):
 * where one is built, it must pass its self-check against the prebuilt binary's answer; where
 * none is, the engine must choose the prebuilt binary and say why.
 */
import { getModuleVersion, LlamaLogLevel } from 'node-llama-cpp'
import { describe, expect, it } from 'vitest'
import {
  findFastBuild,
  loadFastLlama,
  readReference,
  selfCheck,
} from '../../src/main/engine/fast-binary'
import { startLlamaRuntime } from '../../src/main/engine/llama-runtime'
import { demoModelPath } from '../helpers/engine-harness'

const build = findFastBuild(await getModuleVersion())
const forced = process.env.TOKENSCOPE_ENGINE_BINARY

describe('the engine binary', () => {
  // One test for every machine: what it checks depends on whether a fast build is here.
  it('runs the binary it should and says which: a fast build only after its self-check', async () => {
    if (build) {
      console.log(`[engine binary] fast build at ${build.folder}`)
      const llama = await loadFastLlama(build, {
        logLevel: LlamaLogLevel.warn,
        logger: () => undefined,
      })
      try {
        expect(await selfCheck(llama, demoModelPath, readReference(build.folder))).toBeNull()
      } finally {
        await llama.dispose()
      }
    }
    const runtime = await startLlamaRuntime({ preferred: 'cpu', demoModelPath })
    try {
      const expected =
        forced === 'prebuilt' || forced === 'fast' ? forced : build ? 'fast' : 'prebuilt'
      expect(runtime.binary.kind).toBe(expected)
      if (!build && !forced)
        expect(runtime.binary.reason).toMatch(/npm run build:engine|TOKENSCOPE_ENGINE_BINARY/)
      console.log(`[engine binary] ${runtime.binary.kind}: ${runtime.binary.reason ?? ''}`)
    } finally {
      await runtime.llama.dispose()
    }
  })
})
