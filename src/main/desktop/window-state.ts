import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Rect {
  x: number
  y: number
  width: number
  height: number
}

/** Size always; position only when it puts the window on a screen that is attached now. */
export interface WindowState {
  width: number
  height: number
  x?: number
  y?: number
  maximized: boolean
}

export const minimumSize = { width: 800, height: 560 }
export const defaultState: WindowState = { width: 1280, height: 820, maximized: false }
const largest = 16_384
// The window must be grabbable: this much of its title bar has to lie on one screen.
const grabbable = { width: 100, height: 24 }

const isInteger = (value: unknown): value is number => Number.isSafeInteger(value)

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)
  return { width: Math.max(0, width), height: Math.max(0, height) }
}

/** Checks what was saved (any JSON, any damage) against the screens' work areas now. */
export function validWindowState(saved: unknown, workAreas: readonly Rect[]): WindowState {
  if (typeof saved !== 'object' || saved === null) return defaultState
  const { width, height, x, y, maximized } = saved as Record<string, unknown>
  const sizeOk = (value: unknown, min: number): value is number =>
    isInteger(value) && value >= min && value <= largest
  if (!sizeOk(width, minimumSize.width) || !sizeOk(height, minimumSize.height)) return defaultState
  const state: WindowState = { width, height, maximized: maximized === true }
  if (!isInteger(x) || !isInteger(y)) return state
  const titleBar = { x, y, width, height: grabbable.height }
  const onScreen = workAreas.some((area) => {
    const seen = overlap(titleBar, area)
    return seen.width >= Math.min(grabbable.width, width) && seen.height >= grabbable.height
  })
  return onScreen ? { ...state, x, y } : state
}

export function loadWindowState(file: string, workAreas: readonly Rect[]): WindowState {
  try {
    return validWindowState(JSON.parse(readFileSync(file, 'utf8')), workAreas)
  } catch {
    return defaultState
  }
}

/** Written whole or not at all (temporary file, then rename), so a crash never leaves half. */
export function saveWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, `${JSON.stringify(state)}\n`)
  renameSync(temporary, file)
}
