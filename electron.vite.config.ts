import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          serve: resolve(__dirname, 'src/main/serve.ts'),
          engine: resolve(__dirname, 'src/main/engine/engine-main.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require packages, so birpc is bundled in.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react(), tailwindcss()],
    build: {
      rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } },
    },
    worker: {
      format: 'es',
      // The Markdown parser's entity decoder has a browser build that needs a DOM; a worker has
      // none, so it gets the plain one (its package's own choice under the 'worker' condition).
      plugins: () => [
        {
          name: 'entities-without-dom',
          enforce: 'pre' as const,
          resolveId: (source) =>
            source === 'decode-named-character-reference'
              ? resolve(__dirname, 'node_modules/decode-named-character-reference/index.js')
              : null,
        },
      ],
    },
  },
})
