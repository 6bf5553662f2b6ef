import { describe, expect, it } from 'vitest'
import { sessionFromJson } from '../../src/shared/session-export'
import { importProblem } from '../../src/renderer/src/sessions/import-errors'

const problem = (name: string, text: string) => {
  const read = sessionFromJson(text)
  if (read.ok) throw new Error('expected a refusal')
  return importProblem(name, text, read.message)
}

describe('a failed import reads as one sentence', () => {
  it('names the file and says what is wrong, with the schema problems as details', () => {
    const p = problem('notes.json', '{"hello": 1}')
    expect(p.message).toMatch(/^“notes\.json” is not a Tokenscope session: \d+ of its fields/)
    expect(p.details?.split('\n').length).toBeGreaterThan(3)
  })

  it('tells a file from another version apart', () => {
    const p = problem('new.json', JSON.stringify({ schemaVersion: 99 }))
    expect(p.message).toBe(
      '“new.json” is a version 99 session, which this version of Tokenscope cannot read.',
    )
  })

  it('keeps the reader’s own sentence when it is already one', () => {
    expect(problem('x.json', 'not json')).toEqual({
      message: '“x.json”: The file is not JSON. Choose a session exported from Tokenscope.',
      details: null,
    })
  })
})
