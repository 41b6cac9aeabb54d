import { defineConfig } from 'vite'
import { VitePWA } from 'vite-plugin-pwa'

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: {
    // The app uses automerge's "slim" entry points and loads the WASM itself.
    alias: [
      { find: /^@automerge\/automerge-repo$/, replacement: '@automerge/automerge-repo/slim' },
      // cbor-x's own build without `new Function` (the default build probes for it at load,
      // which a strict Content-Security-Policy reports as a violation on every start).
      { find: /^cbor-x$/, replacement: 'cbor-x/index-no-eval' },
    ],
  },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096 },
  plugins: [
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.svg', 'icons/*.png'],
      manifest: {
        id: '/',
        name: 'Floorwalk',
        short_name: 'Floorwalk',
        description: 'Counts, checklists and shipments on the warehouse floor, online or offline',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#0b4f8a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/sync/],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
})
