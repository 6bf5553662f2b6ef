import { rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { defaultDataDirectory } from './host/data-directory'
import { nodeEngineLauncher } from './host/node-engine-launcher'
import { startServeHost } from './host/serve-host'
import { toAppError } from '../shared/errors'
import { loadOrCreateApiKey } from './api/api-key'
import { defaultApiPort } from '../shared/api-server'

// `npm run serve`: the same UI as the desktop app, in any browser on this machine; with --api,
// also an OpenAI-compatible API for scripts and other apps.
const here = dirname(fileURLToPath(import.meta.url))
const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string', default: defaultDataDirectory() },
        /** Also serve the OpenAI-compatible API. */
        api: { type: 'boolean', default: false },
        'api-port': { type: 'string', default: String(defaultApiPort) },
        /** Do not save API requests as sessions. */
        'api-no-sessions': { type: 'boolean', default: false },
        /** Replace the API key with a new one (shown once). */
        'new-api-key': { type: 'boolean', default: false },
        /** A model to load at start: a .gguf path, or "demo". */
        model: { type: 'string' },
      },
    })
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : error}\nOptions: --port N, --data-dir DIR, --api, --api-port N, --api-no-sessions, --new-api-key, --model PATH|demo`,
    )
    process.exit(2)
  }
})()
const portOf = (flag: string, text: string) => {
  const value = Number(text)
  if (text.trim() === '' || !Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`${flag} must be a number from 0 to 65535, got "${text}"`)
    process.exit(2)
  }
  return value
}
const port = portOf('--port', values.port)
const apiPort = portOf('--api-port', values['api-port'])
const log = (line: string) => console.log(`[tokenscope] ${line}`)
const apiKey = values.api
  ? await loadOrCreateApiKey(values['data-dir'], values['new-api-key']).catch((error: unknown) => {
      console.error(
        `The API key could not be read: ${error instanceof Error ? error.message : error}`,
      )
      process.exit(1)
    })
  : null
const host = await startServeHost({
  launcher: nodeEngineLauncher(join(here, 'engine.js'), log),
  rendererDir: join(here, '../renderer'),
  port,
  dataDirectory: values['data-dir'],
  log,
  api: apiKey
    ? { port: apiPort, keyHash: apiKey.hash, record: !values['api-no-sessions'] }
    : undefined,
}).catch(async (error: unknown) => {
  console.error(`Tokenscope could not start: ${error instanceof Error ? error.message : error}`)
  // A key made for this launch was never shown: it must not stay as the one to use.
  if (apiKey?.newKey) await rm(apiKey.file, { force: true })
  process.exit(1)
})
// Once serving, an error that escaped one request's handler is logged and the host carries on:
// ending the process would close every open tab and stop their runs. Startup failures (above)
// still end it.
process.on('uncaughtException', (error) => log(`unexpected error, still serving: ${error.stack}`))
process.on('unhandledRejection', (reason) =>
  log(`unexpected rejection, still serving: ${reason instanceof Error ? reason.stack : reason}`),
)
log(`sessions are saved in ${values['data-dir']}`)
if (host.api) {
  console.log(`OpenAI-compatible API: ${host.api.url}`)
  console.log(
    apiKey?.newKey
      ? `API key (shown only now; only its hash is kept, in ${apiKey.file}):\n\n  ${apiKey.newKey}\n`
      : `API key: the one shown when it was made (--new-api-key makes a new one).`,
  )
} else {
  const api = await host.service.getApiServer()
  if (api.url) console.log(`OpenAI-compatible API (left on in Models → Server): ${api.url}`)
}
if (values.model) {
  const source =
    values.model === 'demo'
      ? { kind: 'demo' as const }
      : { kind: 'file' as const, path: values.model }
  if (source.kind === 'file') host.allowPath(source.path)
  await host.service.loadModel({ source }).then(
    (info) => log(`loaded ${info.fileName}`),
    (error: unknown) => log(`could not load ${values.model}: ${toAppError(error).message}`),
  )
}
console.log(`Tokenscope is running. Open this address in your browser:\n\n  ${host.url}\n`)
console.log(
  'The address holds a per-launch access key; it works only on this computer. Ctrl+C stops.',
)

const shutdown = () => void host.close().then(() => process.exit(0))
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
