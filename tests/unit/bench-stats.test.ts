import { describe, expect, it } from 'vitest'
import {
  everyRunRow,
  interleave,
  limitRow,
  roundOrder,
  roundRobin,
} from '../../scripts/bench/stats'

describe('the benchmark order', () => {
  it('runs two variants ABBA: each first in half of the rounds', () => {
    const orders = [0, 1, 2, 3].map((round) => roundOrder(['a', 'b'], round).join(''))
    expect(orders).toEqual(['ab', 'ba', 'ba', 'ab'])
  })

  it('puts each of four variants first equally often over eight rounds', () => {
    const firsts = Array.from(
      { length: 8 },
      (_, round) => roundOrder(['a', 'b', 'c', 'd'], round)[0],
    )
    for (const name of ['a', 'b', 'c', 'd']) {
      expect(firsts.filter((first) => first === name)).toHaveLength(2)
    }
  })

  it('interleave alternates which side runs first', async () => {
    const calls: string[] = []
    const pairs = await interleave(
      4,
      async () => (calls.push('ours'), 2),
      async () => (calls.push('baseline'), 1),
      { warmUp: false },
    )
    expect(pairs).toHaveLength(4)
    const firsts = [0, 2, 4, 6].map((at) => calls[at])
    expect(firsts).toEqual(['ours', 'baseline', 'baseline', 'ours'])
  })

  it('runs every variant once per round', async () => {
    const results = await roundRobin(3, { x: async () => 1, y: async () => 2, z: async () => 3 })
    expect(results).toEqual(Array.from({ length: 3 }, () => ({ x: 1, y: 2, z: 3 })))
  })
})

describe('rows against a limit', () => {
  const base = { id: '4a', measure: 'longest task', unit: 'ms' }
  const streams = [0, 0, 84, 0, 57, 0, 0, 0, 0, 0]

  it('a median row passes when the middle run does', () => {
    expect(limitRow(base, streams, 50)).toMatchObject({ ours: 0, met: true })
  })

  it('an every-run row shows the worst run and fails when any run is over', () => {
    expect(everyRunRow(base, streams, 50)).toMatchObject({
      ours: 84,
      met: false,
      target: '< 50 ms in every run',
      runs: 10,
    })
    expect(everyRunRow(base, [0, 12, 49.9], 50)).toMatchObject({ ours: 49.9, met: true })
  })
})
