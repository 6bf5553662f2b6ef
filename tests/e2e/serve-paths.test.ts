import { copyFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../../src/shared/errors'
import { demoModelPath } from '../helpers/engine-harness'
import { startServe, type ServeProcess } from '../helpers/serve-process'
import { connectBridge } from '../helpers/ws-bridge'

let serve: ServeProcess
let client: Awaited<ReturnType<typeof connectBridge>>
beforeAll(async () => {
  serve = await startServe()
  client = await connectBridge(serve)
})
afterAll(async () => {
  client.disconnect()
  await serve.stop()
})

const failure = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (error: unknown) => toAppError(error),
  )
const file = (path: string) => ({ source: { kind: 'file' as const, path } })

describe('file-path methods of the serve host', () => {
  it('refuse a crafted path outside what the user chose, without telling whether it exists', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'tokenscope-outside-'))
    const real = join(outside, 'real.gguf')
    copyFileSync(demoModelPath, real)
    const passwd = await failure(client.inspectModel(file('/etc/passwd')))
    expect(passwd).toMatchObject({ code: 'path-not-allowed' })
    expect(await failure(client.inspectModel(file('/etc/no-such-file')))).toEqual(passwd)
    expect(await failure(client.loadModel(file('/etc/passwd')))).toEqual(passwd)
    // Even once "chosen", a file that is not a .gguf is never opened.
    await client.usePath({ path: '/etc/passwd', kind: 'file' })
    expect(await failure(client.inspectModel(file('/etc/passwd')))).toEqual(passwd)

    const gguf = await failure(client.inspectModel(file(real)))
    expect(gguf).toMatchObject({ code: 'path-not-allowed', message: /models folder/ })
    expect(await failure(client.inspectModel(file(join(outside, 'missing.gguf'))))).toEqual(gguf)
    expect(await failure(client.loadModel(file(real)))).toEqual(gguf)
    // The Tokenizer's comparison reads only a vocabulary, under the same rule.
    const vocabulary = (path: string) => ({ ...file(path), text: 'hi', specialTokens: false })
    expect(await failure(client.tokenizeWith(vocabulary('/etc/passwd')))).toEqual(passwd)
    expect(await failure(client.tokenizeWith(vocabulary(real)))).toEqual(gguf)
    const folder = await failure(client.scanModels({ folder: '/etc' }))
    expect(folder).toMatchObject({ code: 'path-not-allowed' })
    expect(await failure(client.scanModels({ folder: '/no/such/folder' }))).toEqual(folder)
    expect(JSON.stringify([passwd, gguf, folder])).not.toMatch(/root|ENOENT|EACCES|not found/)
  })

  it('open what the user chose, what a chosen folder lists, and the models folder', async () => {
    const chosen = mkdtempSync(join(tmpdir(), 'tokenscope-chosen-'))
    const typed = join(chosen, 'typed.gguf')
    copyFileSync(demoModelPath, typed)
    await client.usePath({ path: typed, kind: 'file' })
    expect((await client.inspectModel(file(typed))).card.architecture).toBeTruthy()
    const text = { text: 'A typed path', specialTokens: false }
    expect(await client.tokenizeWith({ ...file(typed), ...text })).toEqual(
      await client.tokenizeWith({ source: { kind: 'demo' }, ...text }),
    )

    const folder = mkdtempSync(join(tmpdir(), 'tokenscope-folder-'))
    copyFileSync(demoModelPath, join(folder, 'listed.gguf'))
    await client.usePath({ path: folder, kind: 'folder' })
    const [listed] = await client.scanModels({ folder })
    expect(listed?.fileName).toBe('listed.gguf')
    expect((await client.loadModel(file(listed?.path ?? ''))).fileName).toBe('listed.gguf')

    const models = await client.modelsFolder()
    expect(await client.scanModels({ folder: models })).toEqual([])
    expect(await failure(client.inspectModel(file(join(models, 'absent.gguf'))))).toMatchObject({
      code: 'model-not-found',
    })
  })
})
