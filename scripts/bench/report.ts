/** The results table, for the terminal and for docs/benchmarks.md. */
import { cpus, totalmem, type as osType, release } from 'node:os'
import type { BenchRow } from './stats'

export interface BenchContext {
  startedAt: Date
  command: string
  modelLabel: string
  threads: string
  nodeLlamaCpp: string
  llamaCpp: string
  backend: string
  /** Which llama.cpp binary ran (prebuilt or the fast build), and why. */
  engineBinary: string
  /** Load average and CPU busy fraction seen while waiting for quiet, for judging noise. */
  noise: string
  durationSeconds: number
}

function formatNumber(value: number | null, unit: string): string {
  if (value === null || !Number.isFinite(value)) return '—'
  if (unit === 'ratio') return value.toFixed(3)
  return value >= 100 ? value.toFixed(0) : value.toFixed(1)
}

export function renderTable(rows: readonly BenchRow[]): string {
  const header = ['#', 'Measure', 'Ours', 'Baseline', 'Ratio', 'Target', 'Met', 'Runs']
  const lines = rows.map((row) => [
    row.id,
    row.measure,
    `${formatNumber(row.ours, row.unit)} ${row.unit}`,
    row.baseline === null ? '—' : `${formatNumber(row.baseline, row.unit)} ${row.unit}`,
    formatNumber(row.ratio, 'ratio'),
    row.target,
    row.met === null ? '' : row.met ? 'yes' : '**no**',
    String(row.runs),
  ])
  const widths = header.map((title, i) =>
    Math.max(title.length, ...lines.map((l) => (l[i] ?? '').length)),
  )
  const format = (cells: string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...lines.map(format)].join('\n')
}

/** The rows' footnotes, one line each. */
export function rowNotes(rows: readonly BenchRow[]): string[] {
  return rows.filter((row) => row.note).map((row) => `- ${row.id}: ${row.note}`)
}

export function machineDescription(): string {
  const cpu = cpus()
  const model = cpu[0]?.model.trim() ?? 'unknown CPU'
  const memory = (totalmem() / 2 ** 30).toFixed(0)
  return `${model}, ${cpu.length} logical CPUs, ${memory} GiB RAM, ${osType()} ${release()}, Node ${process.version}`
}

const methodSection = [
  '## How each figure is measured',
  '',
  "- **1** In one process, on one model, context and sequence: ours is the engine's own loop",
  '  (`runGeneration`: top-20 alternatives, model and sampling probability, seeded sampling in',
  '  JavaScript), the baseline `sequence.evaluate` with the same settings (temperature 0.8, top-k',
  '  40, top-p 0.95, min-p 0.05). A rate counts the tokens after the first over the time from the',
  '  first to the last. Rows 1.d* come from the same rounds, which run all four variants in rotating',
  '  order; the "bare" loops call `controlledEvaluate` with the engine\'s request and do nothing else.',
  '  Row 1.k0 runs with top-k 0 (half as many tokens per run) against `sequence.evaluate` and a',
  '  bare loop asking for every logit, in rotating order. With the fast engine binary',
  '  (`npm run build:engine`; `--binary fast`), ours and the bare loops ask for the head of the',
  '  distribution (patches/node-llama-cpp/0002) as the engine does; with the prebuilt one, for',
  '  every probability. Patches, reproduction and figures:',
  '  [patches/node-llama-cpp](../patches/node-llama-cpp/README.md).',
  "- **3** A 1,000-token prompt in the model's own tokens; from before tokenizing to the first",
  '  generated token; prompt speed is prompt tokens over that time.',
  "- **2** `node out/main/serve.js` with a `ws` client using the UI's bridge and JSON codec, against",
  '  an engine process driven by its supervisor in the benchmark process; same model, same',
  '  threads. Rates are taken where the token batches arrive: the tokens after the first batch',
  '  over the time from the first batch to the last.',
  "- **6** The engine process alone (as in 2): `generateMany` with four runs (the Compare view's",
  '  call: sequences of one context, decoded in one batch per step; same settings, seeds 42 to',
  '  45) against `generateMany` with one run. Rates count the tokens of all columns after the',
  '  first batch over the time from the first batch of any column to the last.',
  '- **2.peer, 2.peer.ttft, 6.peer, 2.peer.demo** (`--peer`) `llama-server` built by',
  '  `npm run peer:build` from the llama.cpp source node-llama-cpp ships (the same release as',
  '  its binaries), with the same model, threads and per-sequence context, against the serve',
  '  host of 2: streamed `/v1/completions` with `logprobs: 20` and the same sampling settings',
  '  and seed, rates taken where the events arrive. 2.peer.ttft starts each run from a',
  '  1,000-token prompt led by a number of its own (no prompt cache can hold it), `max_tokens`',
  "  1; 6.peer sends four requests at once to `-np 4` (seeds 42–45, as the columns' are). The",
  '  demo rows run greedy (both sides then write the same 512 tokens; a sampled demo reply can',
  '  end early) on one thread; .alone is an engine process with no host, .floor the addon driven',
  '  in the benchmark process with no JavaScript loop (addon-floor.ts). The same rows with',
  "  node-llama-cpp's prebuilt binary, and what bounds them there:",
  '  [benchmarks-prebuilt.md](benchmarks-prebuilt.md) (`--binary prebuilt`).',
  '- **6.rss** The engine process of 5 (no forced garbage collection: what a user sees), after',
  '  each of 20 `generateMany` calls with four 32-token columns; the last against the first. Each',
  '  call opens and frees a context; node-llama-cpp makes a native sampler per step that holds',
  '  12 bytes per vocabulary token until V8 collects it, which the engine now forces every 32 MiB.',
  '- **5** Resident memory (`VmRSS`) of a serve host and its engine after the first and the last',
  '  cycle, each time after a full garbage collection in both (through their inspectors, so',
  '  that garbage not yet collected does not pass for a leak); a cycle starts a long run and',
  '  cancels it when its first tokens arrive.',
  '- **4** Headless Chromium (playwright-core, `/usr/bin/chromium`, `--no-sandbox --disable-gpu',
  '  --disable-background-networking`) on `serve` with the demo model, which generates about a',
  '  thousand tokens a second. 2,000 greedy tokens (the demo model never reaches its end-of-text',
  '  token greedily); long tasks from a `PerformanceObserver` (it reports tasks of 50 ms and',
  '  more, so 0 means none), frames from `requestAnimationFrame`. 4a, 4e, 4h, 4j and 4l show the',
  '  worst stream (or open) and are met only when every one stays under 50 ms. 4i–4j open a saved',
  '  chat of 20 Markdown replies from the sidebar until its last reply is on screen, then wait',
  '  for every turn to be drawn; 4k–4l do the same with a 20,000-token completion of Markdown in',
  "  Completion's Markdown view. The inspector figure opens a",
  '  saved 20,000-token session (top-20 alternatives per token) from the sidebar, then times a',
  '  click on chip #1,900 until the frame after its details became visible. 4e streams a chat',
  '  reply shown as Markdown the same way. A long task is wall time: on two shared cores a task',
  '  of a few ms of CPU that the kernel preempts shows as 50 ms or more. What the main thread',
  "  spends its CPU on (script by stack, style, layout, paint, GC) and each task's CPU time:",
  '  `npx tsx scripts/bench/markdown-profile.ts [runs] [markdown|tokens]` (a Chromium trace).',
  '',
]

export function renderMarkdown(
  rows: readonly BenchRow[],
  context: BenchContext,
  notes: string[],
): string {
  const notesSection = notes.length > 0 ? ['## What the numbers say', '', ...notes] : []
  return [
    '# Benchmarks: what inspecting probabilities costs',
    '',
    '<!-- Generated by `npm run bench` (scripts/bench/run.ts); edit the script, not this file. -->',
    '',
    `Measured ${context.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC in ${context.durationSeconds.toFixed(0)} s.`,
    '',
    `- **Machine:** ${machineDescription()}`,
    `- **Model:** ${context.modelLabel}`,
    `- **llama.cpp threads:** ${context.threads}`,
    `- **Software:** node-llama-cpp ${context.nodeLlamaCpp}, llama.cpp ${context.llamaCpp}, ${context.backend.toUpperCase()} backend`,
    `- **Engine binary:** ${context.engineBinary} (rows marked [prebuilt] or [fast]; patches: [patches/node-llama-cpp](../patches/node-llama-cpp/README.md))`,
    `- **Noise:** ${context.noise}`,
    `- **Command:** \`${context.command}\``,
    '',
    'Every figure is the median over the runs shown; a ratio is the median of per-run ratios ours /',
    'baseline, where each pair was measured back to back in alternating order (ABBA) after one',
    'unmeasured warm-up of each, so that the machine drifting affects both sides alike.',
    '',
    renderTable(rows),
    '',
    ...rowNotes(rows),
    '',
    ...notesSection,
    ...methodSection,
    '## Reproduce',
    '',
    '```sh',
    'npm run bench                                # everything; builds the benchmark model once (~1 GB in ~/.cache/tokenscope)',
    'npm run bench -- --model path/to/model.gguf  # the same suite on any GGUF',
    'npm run bench -- --quick --model resources/models/tokenscope-demo.gguf   # smoke run, ~10 s',
    '```',
    '',
    "Options: `--threads N` (llama.cpp threads; default: the engine's rule), `--runs N`,",
    '`--tokens N` (generated per run), `--no-browser`, `--peer` (the rows against llama-server,',
    'once `npm run peer:build` has built it), `--binary prebuilt|fast` (the llama.cpp binary',
    'everywhere), `--only 1.k0,6` (just the cases that produce',
    'these rows), `--out FILE` (default docs/benchmarks.md; quick runs and `--only` write nothing',
    'unless given `--out`).',
    '',
    'Per-token JavaScript: `npx tsx scripts/bench/step-profile.ts --micro [--k0]` times the step',
    "reader alone on steps read from the model (node-llama-cpp's `Map` path against the flat",
    'array the engine reads); without `--micro` it writes a CPU profile of the engine loop',
    '(`--out FILE`) and `--summarise FILE --tokens N` splits it by function. Either binary:',
    '`TOKENSCOPE_ENGINE_BINARY=prebuilt|fast`.',
    '',
    "The benchmark model has Qwen2.5-0.5B's shape (qwen2 architecture, 24 layers, d_model 896,",
    '14 heads with 2 KV heads, FFN 4864, 151,936-token byte-level BPE vocabulary, tied output)',
    'and seeded N(0, 0.02) F16 weights: real arithmetic and a real vocabulary size, no real text.',
    '',
  ].join('\n')
}
