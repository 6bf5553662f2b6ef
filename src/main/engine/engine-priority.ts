import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { constants, setPriority } from 'node:os'
import type { EnginePriority } from '../../shared/engine-status'

const variable = 'TOKENSCOPE_ENGINE_PRIORITY'

export interface PrioritySystem {
  /** This process's thread ids where each thread has a priority of its own (Linux), else null. */
  threadIds(): number[] | null
  /** `setPriority(0, level)` sets the whole process where threads share one priority. */
  setPriority(id: number, level: number): void
  /**
   * Gives the scheduling group this process leads (Linux's autogroup: one per session) the nice
   * value `level`; nothing where it leads none, or the kernel groups nothing.
   */
  lowerOwnGroup(level: number): void
}

const system: PrioritySystem = {
  threadIds: () => {
    if (process.platform !== 'linux') return null
    return readdirSync('/proc/self/task').map(Number)
  },
  setPriority,
  lowerOwnGroup: (level) => {
    if (process.platform !== 'linux') return
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const session = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])
    // A group the engine shares (the desktop app's, a terminal's) is not the engine's to lower.
    if (session !== process.pid) return
    try {
      writeFileSync('/proc/self/autogroup', String(level))
    } catch {
      // No autogroups in this kernel, or the write was refused: the threads are lowered anyway.
    }
  },
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
 * thread there now is set, and llama.cpp's workers, started later, inherit it. Linux also shares
 * the CPU between sessions (autogroups) before it weighs the threads inside them, so a browser
 * showing the UI from serve mode, in a session of its own, met the engine's session as an equal
 * whatever the threads' nice values: the engine, started in a session of its own there, lowers
 * that group too. Same probe, 70 streams each way in two sittings: 17 with a task over 50 ms with
 * the threads alone lowered, 7 with the group lowered too, at the same ~1,200 tokens a second.
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
    os.lowerOwnGroup(constants.priority.PRIORITY_BELOW_NORMAL)
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
