import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { defaultDataDirectory } from './host/data-directory'
import { nodeEngineLauncher } from './host/node-engine-launcher'
import { startServeHost } from './host/serve-host'

// `npm run serve`: the same UI as the desktop app, in any browser on this machine.
const here = dirname(fileURLToPath(import.meta.url))
const { values } = (() => {
  try {
    return parseArgs({
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string', default: defaultDataDirectory() },
      },
    })
  } catch (error) {
    console.error(
      `${error instanceof Error ? error.message : error}\nOptions: --port N, --data-dir DIR`,
    )
    process.exit(2)
  }
})()
const port = Number(values.port)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a number from 0 to 65535, got "${values.port}"`)
  process.exit(2)
}
const log = (line: string) => console.log(`[tokenscope] ${line}`)
const host = await startServeHost({
  launcher: nodeEngineLauncher(join(here, 'engine.js'), log),
  rendererDir: join(here, '../renderer'),
  port,
  dataDirectory: values['data-dir'],
  log,
}).catch((error: unknown) => {
  console.error(`Tokenscope could not start: ${error instanceof Error ? error.message : error}`)
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
console.log(`Tokenscope is running. Open this address in your browser:\n\n  ${host.url}\n`)
console.log(
  'The address holds a per-launch access key; it works only on this computer. Ctrl+C stops.',
)

const shutdown = () => void host.close().then(() => process.exit(0))
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
