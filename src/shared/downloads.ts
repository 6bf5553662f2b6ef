import { z } from 'zod'
import type { AppError } from './errors'
import { limits } from './schemas'

export const downloadRequestSchema = z.object({
  /**
   * An http(s) URL of a .gguf file, `hf:owner/repo/file.gguf` or `hf:owner/repo:QUANT` (Hugging
   * Face); any part of a split model downloads every part.
   */
  url: z.string().min(1).max(limits.pathChars),
  /** The user confirmed a download from this computer or its local network. */
  allowLocalHost: z.boolean().optional(),
})
export type DownloadRequest = z.input<typeof downloadRequestSchema>

/** A path the user typed, picked or dropped in the Models tab. */
export const usePathRequestSchema = z.object({
  path: z.string().min(1).max(limits.pathChars),
  kind: z.enum(['file', 'folder']),
})
export type UsePathRequest = z.input<typeof usePathRequestSchema>

export type DownloadState = 'downloading' | 'done' | 'failed' | 'cancelled'

export interface DownloadProgress {
  id: string
  url: string
  fileName: string
  /** Where the finished file is (or will be); a split model's first part. */
  path: string
  /** How many files the model comes in (more than 1 for a split GGUF, all downloaded together). */
  parts: number
  state: DownloadState
  receivedBytes: number
  /** Null while the server has not said. */
  totalBytes: number | null
  /** Bytes that were already on disk from an interrupted attempt. */
  resumedFromBytes: number
  bytesPerSecond: number | null
  etaSeconds: number | null
  error: AppError | null
  /** SHA-256 of the finished file. */
  sha256: string | null
  /** Set when the download stopped because it leads to a local address the user has not confirmed. */
  localHost: string | null
  /** The user confirmed a local address; Retry keeps the confirmation. */
  allowLocalHost: boolean
  /** Set on the last report of a download that was removed (Remove, Clear): every tab drops it. */
  removed?: true
}

/** A small model worth trying first; a download, so marked as one in the UI. */
export interface SuggestedModel {
  name: string
  sizeBytes: number
  goodFor: string
  uri: string
}

export interface RecentModel {
  path: string
  fileName: string
  loadedAt: string
}

/** Model files on disk: downloads, the models folder, the recent list. Implemented by the host. */
export interface ModelFilesService {
  /** Starts (or resumes) a download into the models folder; progress arrives as `onDownload`. */
  startDownload(request: DownloadRequest): Promise<DownloadProgress>
  /** Stops a download and keeps its partial file, so that starting it again resumes. */
  cancelDownload(request: { id: string }): Promise<void>
  /** Forgets a download: a finished file stays, an unfinished one's partial file is deleted. */
  removeDownload(request: { id: string }): Promise<void>
  listDownloads(): Promise<DownloadProgress[]>
  suggestedModels(): Promise<SuggestedModel[]>
  /** The folder downloads go to, which the models list scans by default. */
  modelsFolder(): Promise<string>
  /** Models loaded from a file, newest first. */
  recentModels(): Promise<RecentModel[]>
  /** Desktop only: asks for a .gguf with the system's file dialog; null when cancelled. */
  pickModelFile(): Promise<string | null>
  /**
   * The user typed, picked or dropped this path: inspect, load and scan may use it from now on
   * (they refuse paths outside the models folder that nobody chose or listed).
   */
  usePath(request: UsePathRequest): Promise<void>
}
