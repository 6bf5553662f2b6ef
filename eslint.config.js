import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'

const nodeModules = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'url']
const forbid = (groups, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: groups, message }] }],
})

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'resources/**', 'docs/**', 'coverage/**'] },
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
      [
        ...nodeModules,
        'electron',
        'react',
        'react-dom',
        'node-llama-cpp',
        'ws',
        '**/main/**',
        '**/renderer/**',
        '**/preload/**',
      ],
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
        [...nodeModules, 'electron', 'node-llama-cpp', 'ws', '**/main/**', '**/preload/index*'],
        'The renderer may import only src/shared and browser code.',
      ),
    },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: forbid(
      ['**/main/**', '**/renderer/**', 'node-llama-cpp'],
      'Preload exposes only the contract client.',
    ),
  },
  // Engine code is plain Node so that tests can run it without Electron.
  {
    files: [
      'src/main/engine/**/*.ts',
      'src/main/gguf/**/*.ts',
      'src/main/demo-model/**/*.ts',
      'src/main/host/**/*.ts',
    ],
    rules: forbid(
      ['electron', '**/renderer/**'],
      'Engine and host code must not import Electron or the renderer.',
    ),
  },
)
