import { builtinModules } from 'node:module'
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

// Every Node built-in in both spellings ('fs' and 'node:fs'), from the running Node's own list.
const bare = [...new Set(builtinModules.map((name) => name.replace(/^node:/, '')))]
const nodeBuiltins = [...bare, ...bare.map((name) => `node:${name}`)]

/** Bans exact package names (`modules`) and path globs (`patterns`) with one message. */
const forbid = ({ modules = [], patterns = [] }, message) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: modules.map((name) => ({ name, message })),
      patterns: patterns.length > 0 ? [{ group: patterns, message }] : [],
    },
  ],
})

// The app never loads the build-time tools (demo-model builder, GGUF writer).
const tools = '**/tools/**'

export default tseslint.config(
  {
    ignores: ['out/**', 'release/**', 'node_modules/**', 'resources/**', 'docs/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{js,mjs}'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  // Layering: shared is pure TypeScript that every runtime can load.
  {
    files: ['src/shared/**/*.ts'],
    rules: forbid(
      {
        modules: [...nodeBuiltins, 'electron', 'react', 'react-dom', 'node-llama-cpp', 'ws'],
        patterns: ['**/main/**', '**/renderer/**', '**/preload/**', tools],
      },
      'src/shared must stay runtime-neutral: no node, electron, react or app-layer imports.',
    ),
  },
  // The renderer is untrusted browser code: it talks to the engine only through the contract.
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid(
        {
          modules: [...nodeBuiltins, 'electron', 'node-llama-cpp', 'ws'],
          patterns: ['**/main/**', '**/preload/index*', tools],
        },
        'The renderer may import only src/shared and browser code.',
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: forbid(
      { modules: ['node-llama-cpp'], patterns: ['**/main/**', '**/renderer/**', tools] },
      'Preload exposes only the contract client.',
    ),
  },
  // The engine and the host are separate processes that meet only through the contract.
  {
    files: ['src/main/engine/**/*.ts'],
    rules: forbid(
      { modules: ['electron'], patterns: ['**/renderer/**', '**/host/**', tools] },
      'Engine code is plain Node that talks to the host only through the contract: no Electron, host or renderer imports.',
    ),
  },
  {
    files: ['src/main/host/**/*.ts'],
    rules: forbid(
      {
        modules: ['electron', 'node-llama-cpp'],
        patterns: ['**/renderer/**', '**/engine/**', tools],
      },
      'Host code reaches the engine only through the contract: no engine, Electron or renderer imports.',
    ),
  },
  {
    files: ['src/main/gguf/**/*.ts', 'src/main/util/**/*.ts'],
    rules: forbid(
      { modules: ['electron'], patterns: ['**/renderer/**', '**/host/**', '**/engine/**', tools] },
      'Helpers shared by the engine and the host depend on neither.',
    ),
  },
  {
    files: ['src/main/*.ts'],
    rules: forbid(
      { patterns: ['**/renderer/**', tools] },
      'The entry points wire the app; they never load the renderer or the build-time tools.',
    ),
  },
  {
    files: ['tools/**/*.ts'],
    rules: forbid(
      { modules: ['electron'], patterns: ['**/renderer/**', '**/host/**', '**/engine/**'] },
      'The build-time tools use only the GGUF format code and Node.',
    ),
  },
)
