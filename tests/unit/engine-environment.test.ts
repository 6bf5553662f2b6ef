import { describe, expect, it } from 'vitest'
import { engineEnvironment } from '../../src/main/host/engine-environment'

describe('the engine process environment', () => {
  it('fixes glibc’s mmap threshold at 4 MiB, one heap, one libuv thread, and keeps the rest', () => {
    const env = engineEnvironment({ PATH: '/usr/bin', HOME: '/home/u' })
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      MALLOC_MMAP_THRESHOLD_: '4194304',
      MALLOC_ARENA_MAX: '1',
      UV_THREADPOOL_SIZE: '1',
    })
  })

  it('leaves a threshold the user set alone', () => {
    expect(engineEnvironment({ MALLOC_MMAP_THRESHOLD_: '65536' }).MALLOC_MMAP_THRESHOLD_).toBe(
      '65536',
    )
    expect(engineEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4')
    expect(engineEnvironment({ UV_THREADPOOL_SIZE: '8' }).UV_THREADPOOL_SIZE).toBe('8')
  })
})
