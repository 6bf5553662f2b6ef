/**
 * Whether a context size stays within what the model was trained on (`<arch>.context_length`),
 * and what its RoPE scaling, if the file declares any, does about positions beyond that.
 */
export interface RopeScaling {
  /** `linear`, `yarn`, or another name llama.cpp knows. */
  type: string
  factor: number | null
  /** The context the model was pre-trained on before the scaling was tuned in. */
  originalContext: number | null
}

export interface TrainedContext {
  size: number | null
  scaling: RopeScaling | null
}

/** What node-llama-cpp's parsed header (`architectureMetadata`) holds about the trained context. */
export interface ArchitectureMetadata {
  context_length?: number
  rope?: {
    scale_linear?: number
    scaling?: { type?: string; factor?: number; original_context_length?: number }
  }
}

const positive = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null

export function readTrainedContext(arch: ArchitectureMetadata | undefined): TrainedContext {
  const scaling = arch?.rope?.scaling
  const legacyFactor = positive(arch?.rope?.scale_linear)
  const type = scaling?.type ?? (legacyFactor !== null && legacyFactor !== 1 ? 'linear' : 'none')
  return {
    size: positive(arch?.context_length),
    scaling:
      type === 'none'
        ? null
        : {
            type,
            factor: positive(scaling?.factor) ?? legacyFactor,
            originalContext: positive(scaling?.original_context_length),
          },
  }
}

const count = (n: number) => n.toLocaleString('en-US')

function describeScaling(scaling: RopeScaling): string {
  const how =
    scaling.type === 'yarn'
      ? 'YaRN RoPE scaling, which stretches the position frequencies the model learned'
      : scaling.type === 'linear'
        ? 'linear RoPE scaling, which squeezes positions so that more of them fit the range it learned'
        : `“${scaling.type}” RoPE scaling`
  const factor = scaling.factor !== null ? ` by ${scaling.factor}×` : ''
  const base =
    scaling.originalContext !== null ? ` (from ${count(scaling.originalContext)} tokens)` : ''
  return `${how}${factor}${base}`
}

/** The context the scaling claims to reach, when the file says enough to tell. */
export function scaledReach(trained: TrainedContext): number | null {
  const { scaling } = trained
  if (!scaling || scaling.factor === null) return null
  const base = scaling.originalContext ?? trained.size
  return base === null ? null : Math.round(base * scaling.factor)
}

/** A warning when `contextSize` is more than the model was trained on; null when it is not. */
export function contextWarning(contextSize: number, trained: TrainedContext): string | null {
  const { size, scaling } = trained
  if (size === null || contextSize <= size) return null
  const beyond = `This model was trained on ${count(size)} tokens of context; ${count(contextSize)} goes beyond that.`
  if (!scaling) {
    return `${beyond} It declares no RoPE scaling, so positions past ${count(size)} are ones it never saw: expect its text to fall apart there. Choose ${count(size)} or less.`
  }
  const reach = scaledReach(trained)
  const scaled = `It declares ${describeScaling(scaling)}, which llama.cpp applies when it loads the model`
  if (reach !== null && contextSize <= reach) {
    return `${beyond} ${scaled}, so it is meant to reach about ${count(reach)} tokens; quality may still drop toward the end.`
  }
  const limit = reach !== null ? `about ${count(reach)}` : count(size)
  return `${beyond} ${scaled}, but even so it is not meant to go past ${limit} tokens: expect its text to fall apart there.`
}
