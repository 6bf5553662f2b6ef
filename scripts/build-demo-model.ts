/** Writes resources/models/tokenscope-demo.gguf (a committed artifact; a test checks it is fresh). */
import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildDemoModel } from '../tools/demo-model/build'

const outputPath = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'resources',
  'models',
  'tokenscope-demo.gguf',
)

const startedAt = performance.now()
const bytes = buildDemoModel()
const seconds = (performance.now() - startedAt) / 1000

mkdirSync(dirname(outputPath), { recursive: true })
writeFileSync(outputPath, bytes)
const sha256 = createHash('sha256').update(bytes).digest('hex')
console.log(`Wrote ${outputPath}`)
console.log(`  size    ${bytes.length} bytes (${(bytes.length / 1024 / 1024).toFixed(2)} MiB)`)
console.log(`  sha256  ${sha256}`)
console.log(`  built in ${seconds.toFixed(1)} s`)
