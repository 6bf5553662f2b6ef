import { describe, expect, it } from 'vitest'
import {
  dialogNotice,
  dragHasFiles,
  droppedModelPath,
  isGgufName,
  type DropResult,
} from '../../src/renderer/src/views/models/model-drop'
import {
  initialModelsState,
  modelsReducer,
  type ModelsAction,
} from '../../src/renderer/src/views/models/models-reducer'

const files = (...names: string[]) => names.map((name) => ({ name }))
/** What the desktop preload would answer: the file's place in a models folder. */
const desktop = (file: { name: string }) => `/home/ada/models/${file.name}`
const kind = (result: DropResult) => ('notice' in result ? result.notice.kind : 'path')

describe('droppedModelPath', () => {
  it('opens a dropped .gguf on the desktop by the path the app reports', () => {
    expect(droppedModelPath(files('qwen.Q4_K_M.gguf'), desktop)).toEqual({
      path: '/home/ada/models/qwen.Q4_K_M.gguf',
    })
    expect(droppedModelPath(files('MODEL.GGUF'), desktop)).toEqual({
      path: '/home/ada/models/MODEL.GGUF',
    })
  })

  it('explains in browser mode that the location is hidden and to paste the path', () => {
    const result = droppedModelPath(files('model.gguf'), null)
    expect(kind(result)).toBe('browser')
    if (!('notice' in result)) throw new Error('expected a notice')
    expect(result.notice.message).toContain('model.gguf')
    expect(result.notice.message).toMatch(/browser does not tell this page where/i)
    expect(result.notice.hint).toMatch(/paste its full path/i)
  })

  it('names a file that is not a model, in both modes', () => {
    for (const mode of [desktop, null]) {
      const result = droppedModelPath(files('notes.txt'), mode)
      expect(kind(result)).toBe('not-gguf')
      if (!('notice' in result)) throw new Error('expected a notice')
      expect(result.notice.message).toBe('“notes.txt” is not a GGUF model.')
    }
    // A partial download is no model either.
    expect(kind(droppedModelPath(files('qwen.gguf.part'), desktop))).toBe('not-gguf')
    const several = droppedModelPath(files('a.txt', 'b.bin'), desktop)
    expect('notice' in several && several.notice.message).toBe(
      'None of these files is a GGUF model.',
    )
  })

  it('picks the one .gguf among other files, and the first part of a split model', () => {
    expect(droppedModelPath(files('README.md', 'm.gguf'), desktop)).toEqual({
      path: '/home/ada/models/m.gguf',
    })
    const parts = files(
      'big-00002-of-00003.gguf',
      'big-00001-of-00003.gguf',
      'big-00003-of-00003.gguf',
    )
    expect(droppedModelPath(parts, desktop)).toEqual({
      path: '/home/ada/models/big-00001-of-00003.gguf',
    })
  })

  it('asks for one model at a time when several different models are dropped', () => {
    expect(kind(droppedModelPath(files('a.gguf', 'b.gguf'), desktop))).toBe('several')
    // Parts of a split model without its first part cannot be opened.
    expect(
      kind(droppedModelPath(files('big-00002-of-00003.gguf', 'big-00003-of-00003.gguf'), desktop)),
    ).toBe('several')
  })

  it('says so when there is no file, or the desktop app cannot tell where it is', () => {
    expect(kind(droppedModelPath([], desktop))).toBe('empty')
    expect(kind(droppedModelPath(files('m.gguf'), () => ''))).toBe('no-path')
    expect(kind(droppedModelPath(files('m.gguf'), () => '  '))).toBe('no-path')
    const throwing = () => {
      throw new Error('not a file on disk')
    }
    expect(kind(droppedModelPath(files('m.gguf'), throwing))).toBe('no-path')
  })
})

describe('drop helpers', () => {
  it('recognises .gguf names and drags that carry files', () => {
    expect(isGgufName('a.gguf')).toBe(true)
    expect(isGgufName('a.GGUF')).toBe(true)
    expect(isGgufName('gguf')).toBe(false)
    expect(isGgufName('a.gguf.part')).toBe(false)
    expect(dragHasFiles(['Files'])).toBe(true)
    expect(dragHasFiles(['text/plain', 'text/uri-list'])).toBe(false)
    expect(dragHasFiles(undefined)).toBe(false)
  })

  it("keeps the host's hint for a failed file dialog, with a fallback", () => {
    expect(dialogNotice('No dialog.', 'Type it.')).toEqual({
      kind: 'dialog',
      message: 'No dialog.',
      hint: 'Type it.',
    })
    expect(dialogNotice('No dialog.').hint).toMatch(/paste the path/)
  })
})

describe('models reducer: path field and open notices', () => {
  const notice = { kind: 'browser' as const, message: 'm', hint: 'h' }
  const run = (actions: ModelsAction[]) => actions.reduce(modelsReducer, initialModelsState)

  it('keeps the typed path and shows a notice until a model is chosen', () => {
    const state = run([
      { type: 'pathTyped', path: '/m/a.gguf' },
      { type: 'openNotice', notice },
    ])
    expect(state.pathDraft).toBe('/m/a.gguf')
    expect(state.openNotice).toEqual(notice)
    const chosen = modelsReducer(state, { type: 'selected', source: { kind: 'demo' } })
    expect(chosen.openNotice).toBeNull()
    expect(chosen.pathDraft).toBe('/m/a.gguf')
  })

  it('clears the notice when the already selected model is chosen again', () => {
    const selected = run([{ type: 'selected', source: { kind: 'demo' } }])
    const noticed = modelsReducer(selected, { type: 'openNotice', notice })
    const again = modelsReducer(noticed, { type: 'selected', source: { kind: 'demo' } })
    expect(again.openNotice).toBeNull()
    expect(again.selected).toBe(selected.selected)
    expect(modelsReducer(selected, { type: 'selected', source: { kind: 'demo' } })).toBe(selected)
  })

  it('dismisses a notice', () => {
    const state = run([
      { type: 'openNotice', notice },
      { type: 'openNotice', notice: null },
    ])
    expect(state.openNotice).toBeNull()
  })
})
