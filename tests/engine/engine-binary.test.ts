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
  it.runIf(build)('the fast build passes its self-check', async () => {
    console.log(`[engine binary] fast build at ${build!.folder}`)
    const llama = await loadFastLlama(build!, {
      logLevel: LlamaLogLevel.warn,
      logger: () => undefined,
    })
    try {
      expect(await selfCheck(llama, demoModelPath, readReference(build!.folder))).toBeNull()
    } finally {
      await llama.dispose()
    }
  })

  it.runIf(!build && forced !== 'fast')(
    'without a fast build, the prebuilt one runs and says why',
    async () => {
      const runtime = await startLlamaRuntime({ preferred: 'cpu', demoModelPath })
      try {
        expect(runtime.binary.kind).toBe('prebuilt')
        expect(runtime.binary.reason).toMatch(/npm run build:engine|TOKENSCOPE_ENGINE_BINARY/)
        console.log(`[engine binary] prebuilt: ${runtime.binary.reason}`)
      } finally {
        await runtime.llama.dispose()
      }
    },
  )

  it.runIf(build && !forced)('with a passing fast build, the engine runs it', async () => {
    const runtime = await startLlamaRuntime({ preferred: 'cpu', demoModelPath })
    try {
      expect(runtime.binary).toMatchObject({ kind: 'fast' })
    } finally {
      await runtime.llama.dispose()
    }
  })
})
