import { readdirSync } from 'node:fs'
import { constants, setPriority } from 'node:os'
import type { EnginePriority } from '../../shared/engine-status'

const variable = 'TOKENSCOPE_ENGINE_PRIORITY'

export interface PrioritySystem {
  /** This process's thread ids where each thread has a priority of its own (Linux), else null. */
  threadIds(): number[] | null
  /** `setPriority(0, level)` sets the whole process where threads share one priority. */
  setPriority(id: number, level: number): void
}

const system: PrioritySystem = {
  threadIds: () => {
    if (process.platform !== 'linux') return null
    return readdirSync('/proc/self/task').map(Number)
  },
  setPriority,
}

/**
 * Puts the engine below the app's window when both want the CPU. A model step takes every core it
 * is given, and on a busy machine the page then waits for a core long enough for a frame to miss:
 * on 2 cores, streaming the demo model into the chips (bench row 4a), 12 of 60 streams had a task
 * over 50 ms with the engine at normal priority and 5 of 60 below normal, at the same 1,200–1,380
 * tokens a second.
 * An otherwise idle machine gives the engine every core either way; only other programs busy at
 * the same time get more of the CPU than before.
 *
 * On Linux each thread has a nice value of its own and new threads take their creator's: every
 * thread there now is set, and llama.cpp's workers, started later, inherit it.
 */
export function lowerEnginePriority(
  env: NodeJS.ProcessEnv = process.env,
  os: PrioritySystem = system,
): EnginePriority {
  const asked = env[variable]?.trim()
  if (asked === 'normal') {
    return {
      level: 'normal',
      reason: `Normal, as ${variable} asks: the model competes with the app's window for the CPU.`,
    }
  }
  const unknown =
    asked && asked !== 'below-normal'
      ? `${variable}="${asked}" is neither "normal" nor "below-normal". `
      : ''
  try {
    const threads = os.threadIds()
    if (threads === null) os.setPriority(0, constants.priority.PRIORITY_BELOW_NORMAL)
    else for (const id of threads) setThread(os, id)
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error)
    return { level: 'normal', reason: `${unknown}Could not lower the engine's priority: ${why}.` }
  }
  return {
    level: 'below-normal',
    reason: `${unknown}The app's window goes first when the computer is busy, so it stays responsive while a model computes; ${variable}=normal turns this off.`,
  }
}

/** A thread that ended since it was listed has nothing left to set. */
function setThread(os: PrioritySystem, id: number) {
  try {
    os.setPriority(id, constants.priority.PRIORITY_BELOW_NORMAL)
  } catch (error) {
    if ((error as { info?: { code?: string } }).info?.code === 'ESRCH') return
    throw error
  }
}
