// node-llama-cpp on the CPU: the addon at REPRO_ADDON when set, else the one getLlama finds.
import { createRequire } from 'node:module'
import { getLlama, Llama } from 'node-llama-cpp'

export async function llamaForRepro() {
  const addon = process.env.REPRO_ADDON
  if (!addon) return getLlama({ gpu: false })
  return Llama._create({
    bindings: createRequire(import.meta.url)(addon),
    bindingPath: addon,
    buildType: 'localBuild',
    buildMetadata: {
      buildOptions: { customCmakeOptions: {}, gpu: false, llamaCpp: { repo: '', release: '' } },
    },
    logLevel: 'warn',
    logger: Llama.defaultConsoleLogger,
    vramPadding: 0,
    ramPadding: 0,
  })
}
