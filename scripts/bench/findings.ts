/**
 * What the results mean, for docs/benchmarks.md. The causes were found by profiling (CPU
 * profiles of the engine loop, `perf`, Chrome traces of the UI); the numbers quoted come from
 * the run being written up.
 */
import { peerNotes } from './findings-peer'
import type { BenchRow } from './stats'

const msPerToken = (tokensPerSecond: number | null | undefined) =>
  tokensPerSecond && Number.isFinite(tokensPerSecond) ? 1000 / tokensPerSecond : NaN
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '? ms')
const ratio = (row: BenchRow | undefined) => (row?.ratio ?? NaN).toFixed(2)
/** Rows measured on llama.cpp say which binary ran: run.ts appends [fast] or [prebuilt]. */
const isFast = (row: BenchRow) => row.measure.endsWith('[fast]')

function generationNotes(rows: (id: string) => BenchRow | undefined): string[] {
  const generation = rows('1')
  const ourCode = rows('1.d1')
  const transfer = rows('1.d2')
  const rest = rows('1.d3')
  const head = rows('1.d4')
  if (!generation || !transfer || !ourCode) return []
  const transferMs = msPerToken(transfer.ours) - msPerToken(transfer.baseline)
  const ourMs = msPerToken(ourCode.ours) - msPerToken(ourCode.baseline)
  if (isFast(generation))
    return [
      `**Generation (1): ${generation.met ? 'met' : 'missed'}, ratio ${ratio(generation)}.** With the fast`,
      'binary a step asks the addon for the head of the distribution only (patch 0002: the top',
      'tokens ordered by `std::partial_sort`, the exact entropy and the candidate count, computed',
      `in C++), so reading probabilities costs ${ms(transferMs)} a token here (row 1.d2, ratio`,
      `${ratio(transfer)}), and all of our own JavaScript per step ${ms(ourMs)} (row 1.d1, ratio`,
      `${ratio(ourCode)}). The rest is the model itself: without probabilities the loop runs at`,
      `${ratio(rest)} of \`sequence.evaluate\` (row 1.d3).`,
      '',
    ]
  return [
    `**Generation (1): ${generation.met ? 'met' : 'missed, and the cause is not in our code'}.** The`,
    'engine runs on node-llama-cpp 3.21.1, the newest release whose macOS and Windows binaries this',
    "registry serves. It returns the model's distribution only as `probabilities` of the whole",
    "vocabulary (a greedy step's softmax), which its addon sorts (`std::sort` in",
    '`AddonContext.cpp`) and copies into a JavaScript array of every (token, probability) pair,',
    "on the main thread (the engine reads that array itself, without node-llama-cpp's `Map`:",
    `step-sampler.ts). Here that costs ${ms(transferMs)} per token (row 1.d2, ratio ${ratio(transfer)});`,
    `all of our own JavaScript per step costs ${ms(ourMs)} (row 1.d1, ratio ${ratio(ourCode)}); the same`,
    `request without probabilities runs at ${ratio(rest)} of \`sequence.evaluate\` (row 1.d3). In return`,
    'every token has its exact entropy and the Lab every logit. 3.22 can return the top-N logits',
    'alone (`logits.filter.includeTop`), which still sorts but copies only N; the fix that removes',
    'the cost is an addon that orders only the top N (`std::partial_sort`, 0.15 ms instead of',
    '12.7 ms for 151,936 candidates, measured in C++) and sums the rest in C++. The cost scales',
    'with the vocabulary: 32k-token models pay about a fifth, the 2k-token demo model little.',
    ...(head
      ? [
          `On this vocabulary a run with top-k on or greedy reads only a head (bounded-head.ts: the`,
          `greedy confidence, which still sorts but copies nothing, and a top-k head): ratio`,
          `${ratio(head)} of a loop without probabilities (row 1.d4), its entropy then a range.`,
        ]
      : []),
    '',
  ]
}

function wholeVocabularyNotes(rows: (id: string) => BenchRow | undefined): string[] {
  const row = rows('1.k0')
  const ours = rows('1.k0d')
  if (!row || !ours) return []
  const ourMs = msPerToken(ours.ours) - msPerToken(ours.baseline)
  const asked = isFast(row)
    ? [
        `**Top-k off (1.k0, ratio ${ratio(row)}).** With the fast binary a step asks for the head`,
        'that top-p and min-p can keep (patch 0002 extends it until it holds their mass), and',
        'here that is most of the vocabulary; what that adds is the copy and the chain over a',
      ]
    : [
        `**Top-k off (1.k0, ratio ${ratio(row)}).** Every step reads the whole vocabulary whatever the`,
        'settings, so top-k off asks llama.cpp for nothing more; what it adds is the chain over a',
      ]
  return [
    ...asked,
    `vocabulary-sized candidate list: ${ms(ourMs)} per token of our code (row 1.k0d, ratio`,
    `${ratio(ours)}). The step reader reads the addon's array into typed arrays in one pass that`,
    'also gives the weights, the normaliser and the entropy; the chain sums its tempered weights',
    'once and the pick reuses them; objects are made only for what is shown and stored. This',
    "model's random logits are nearly flat, so top-p 0.95 keeps ~95% of the vocabulary: the worst",
    'case for the chain.',
    '',
  ]
}

function parallelNotes(rows: (id: string) => BenchRow | undefined): string[] {
  const row = rows('6')
  if (!row || row.ratio === null || !Number.isFinite(row.ratio)) return []
  const verdict =
    row.ratio >= 1.05
      ? `batching pays: together they make ${row.ratio.toFixed(2)}× the tokens per second of one`
      : row.ratio <= 0.95
        ? `batching does not pay here: together they make ${row.ratio.toFixed(2)}× the tokens per second of one`
        : 'together they make about the tokens per second of one'
  // One step gives every column a token: four tokens a step against one.
  const stepMs = 4 * msPerToken(row.ours)
  const singleMs = msPerToken(row.baseline)
  const sort = rows('1.d2')
  const sortMs = sort ? msPerToken(sort.ours) - msPerToken(sort.baseline) : NaN
  return [
    `**Parallel columns (6, ratio ${ratio(row)}).** Four Compare columns are four sequences of one`,
    `context, decoded together in batches; ${verdict}`,
    `column (${row.ours?.toFixed(1)} vs ${row.baseline?.toFixed(1)} tok/s): a step of four columns takes`,
    `${ms(stepMs)} against ${ms(singleMs)} for one, so each column runs at ${(row.ratio / 4).toFixed(2)} of a lone`,
    "column's speed. A batch reads the weights once for all its tokens, but the work after it is",
    ...(isFast(row)
      ? ['per column: each samples and reads its head in turn, on the same two cores.']
      : [
          'per column: the addon sorts and copies the whole vocabulary for each column',
          ...(Number.isFinite(sortMs) ? [`(${ms(sortMs)} per token, row 1.d2)`] : []),
          'and our step reader runs once per column, on the same two cores.',
        ]),
    '',
  ]
}

export function findingsFor(rows: readonly BenchRow[]): string[] {
  const row = (id: string) => rows.find((r) => r.id === id)
  const notes = [
    ...generationNotes(row),
    ...wholeVocabularyNotes(row),
    ...parallelNotes(row),
    ...peerNotes(row),
  ]
  const stack = row('2')
  if (stack) {
    notes.push(
      `**Whole stack (2): ${stack.met ? 'met' : 'missed'}.** The engine batches tokens every 16 ms,`,
      'so the host and the client handle a few dozen messages per second, whatever the speed.',
      '',
    )
  }
  const threads = row('2.t')
  if (threads) {
    notes.push(
      `**Default threads (2.t): ${threads.met ? 'met' : 'missed'}, ratio ${ratio(threads)}.** Until this`,
      'benchmark, `model-session.ts` left the thread count of models of 64 MiB and more to',
      'node-llama-cpp, whose CPU default is max(4, cores): 4 threads on this 2-core machine, where',
      "llama.cpp's workers spin while they wait for each other and the engine made 0.35 tok/s on",
      'this model (1/40 of its pinned speed). The engine now times one thread, half and all of',
      'the cores at load and takes the fastest (`thread-choice.ts`); this row keeps it from losing',
      'to a pinned count.',
      '',
    )
  }
  const prompt = row('3a')
  if (prompt) {
    notes.push(
      `**Prompt (3).** Both sides evaluate the prompt in the same batches; ours asks for logits only`,
      'for the last prompt token, so prompt speed and time to first token match',
      `\`sequence.evaluate\` (ratio ${ratio(prompt)}) up to reading the first token's distribution.`,
      '',
    )
  }
  const engineMemory = row('5a')
  if (engineMemory) {
    notes.push(
      `**Memory (5): ${engineMemory.met && row('5b')?.met ? 'met' : 'missed'}.** The engine's resident set includes the memory-mapped`,
      'weights, so its percentage is diluted; the megabytes, and whether the middle sample is',
      'already at the last one, are what to watch. Without the forced garbage collection the',
      "host's RSS drifted up 18 MiB over 100 cycles at demo-model speed while investigating, but",
      "its heap after a collection stayed flat (8.4 → 8.6 MiB over 400 cycles, the engine's 17",
      'MiB likewise): garbage, not a leak.',
      '',
    )
  }
  const longestTask = row('4a')
  const inspector = row('4d')
  if (longestTask || inspector) {
    const verdict = (r: typeof longestTask) => (r ? (r.met ? 'met' : 'missed') : 'not measured')
    notes.push(
      `**Renderer (4): longest task ${verdict(longestTask)}, inspector ${verdict(inspector)}.** Chrome`,
      'traces found four causes, all fixed: a forced layout after every batch (the auto-scroll read',
      '`scrollHeight` in a layout effect; now a ResizeObserver sticks to the bottom once per frame),',
      'the whole transcript laid out again when the inspector narrows the column (the stream is now',
      'drawn in line blocks with `content-visibility: auto`, so off-screen blocks are skipped), an',
      'opacity layer per whitespace marker, and the save at the end of a run as one task of 50–70 ms',
      '(the document is now serialised and sent in slices of a few milliseconds). Before: 76 ms',
      'and 254 ms.',
      'Streaming, traced since: each frame cost 30–40 ms, and a garbage collection landing in one',
      'pushed it past 50 ms in about half of the streams. Two more changes brought frames to',
      '15–30 ms. A paragraph without a line break (the greedy demo text is one) grew as a single',
      'block, so every batch laid out and painted all of it; the last block is now split where the',
      'browser wrapped a line (read from the chips after layout, so the split forces no layout and',
      'shows nothing; another width forgets the split points). And run events are applied in a',
      "task of their own right after the frame, not inside it, so React and the browser's",
      'rendering are two tasks instead of one.',
      'A transcript also holds half the DOM nodes it did (a leading whitespace marker is drawn',
      'by CSS, not as an element): 4,312 instead of 8,315 after 2,000 tokens.',
      ...(longestTask?.met
        ? [
            'Met in this run (every stream under 50 ms), but not in every run: what is left comes and goes.',
          ]
        : ['Missed in this run: what is left comes and goes.']),
      'Probing 124 streams outside the bench over an hour, 12 (10%) had a task over 50 ms',
      '(51–106 ms), in batches of 10–20 from 0 of 10 to 4 of 20 as the machine itself varied; the',
      "note under the table gives this run's worst (three full runs of the bench after these",
      'changes: 0 ms, 50 ms with a worst stream of 86, and 0 ms). The outliers traced: a major garbage',
      'collection of ~40 ms (half of it tracing DOM wrappers) landing in a frame, and a frame',
      'early in a stream whose paint took 33 ms. On this 2-core machine the page also waits for',
      "a core: per-thread scheduler statistics showed its main thread waiting ~40 % of a stream's",
      "time behind the engine and Chromium's own compositor threads.",
      'The inspector click, traced before its last fix: Paint ≈ 21 ms, Layout ≈ 12, PrePaint ≈ 9,',
      "`content-visibility`'s intersection pass ≈ 7–10, JavaScript ≤ 10: all from the stream",
      'column narrowing when the docked inspector appeared. The inspector now takes the run',
      "settings' place in the side column (laid out on its own), so a pick lays out that column alone.",
      '',
    )
  }
  const opening = row('4h')
  if (opening) {
    notes.push(
      `**Opening a long session (4f–4h): ${opening.met ? 'met' : 'missed'}.** The host sends the`,
      "session's outline (its tokens without their alternatives) as columns of numbers, which the",
      'page unpacks 4,096 tokens a task; the view draws the last 500 tokens first and the earlier',
      'parts behind them, 500 tokens at a time. Each of those parts used to be one task of 30–70 ms',
      "of CPU (React making every chip's element in one go) with a garbage collection on top; they",
      'are now React transitions, rendered in slices of a few milliseconds, so a click on a token',
      'is answered between two slices. The last part is a transition too: shown by a store update,',
      'it was rendered in one blocking task of 40–55 ms of CPU. Opens with a task over 50 ms, 24',
      "opens each way: 6 → 1; what is left is that part's first frame (style, layout and paint of",
      '500 chips, about 30 ms of CPU) when the page waits for a core.',
      '',
    )
  }
  const chat = row('4j')
  if (chat) {
    notes.push(
      `**Opening a long chat (4i–4j): ${chat.met ? 'met' : 'missed'}.** A saved chat of 20 Markdown`,
      'replies opens at its last reply; the earlier turns go in above it, about 400 tokens of',
      'messages per React transition. Drawn in one go, the same chat was one task of 325–435 ms',
      '(every reply parsed as Markdown and every element made, then focus forcing a layout of it',
      'all) and two frames of 100–210 ms; the click took 646 ms to show the last reply (5 opens)',
      'where it now takes under 200.',
      '',
    )
  }
  const markdown = row('4l')
  if (markdown) {
    notes.push(
      `**Opening a long completion as Markdown (4k–4l): ${markdown.met ? 'met' : 'missed'}.** Its`,
      'whole parse is made by a worker for a finished text of 16,000 characters or more, and its',
      'blocks are drawn from the end backwards, about 500 tokens per React transition. Before, this',
      'completion opened in 1,122 ms (median of 5) with two tasks per open, the worst 710 ms: the',
      'parse and every element in one, the style, layout and paint of all of it in the next. Drawn',
      'from the end with the parse still on the page: 578 ms, one task of up to 390 ms (the parse).',
      "The worker's first parse is slower (540–620 ms, its code not yet optimised; 200–260 ms once",
      'warm), so the end shows later than that, but no task blocks the page meanwhile.',
      '',
    )
  }
  return notes
}
