import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'
import { VitePWA } from 'vite-plugin-pwa'

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))

/** The Go binary embeds this folder (server/webui). */
const OUT_DIR = here('../server/webui/app')
/** Where `npm run dev` sends /api: ANJU_DEV_API=http://127.0.0.1:18300 npm run dev */
const API_TARGET = process.env.ANJU_DEV_API || 'http://127.0.0.1:8080'

/** Staff-only client code: kept out of the chunk the resident app loads. */
const STAFF_ONLY_API = /src[\\/]api[\\/](staff|sse)\.ts$/
const SHARED = /src[\\/](api|i18n|shared)[\\/]/
/**
 * The vote-log verifier (issue 10) is no part of the shared chunk: only the
 * public record's screens (src/resident/publicRecord.ts, itself loaded on
 * demand) import it, with import(), where a check runs.
 */
const TLOG = /src[\\/]shared[\\/]tlog\.ts$/
/** The English catalogue: fetched when chosen (src/i18n/index.ts), never with the page. */
const ENGLISH = /src[\\/]i18n[\\/](en|record\.en)\.ts$/

/** In dev, answer staff.html for /staff and /staff/… like the Go server does. */
function staffPage(): Plugin {
  return {
    name: 'anju-staff-page',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const path = (req.url ?? '').split('?')[0] ?? ''
        if ((path === '/staff' || path.startsWith('/staff/')) && !/\.[a-z0-9]+$/i.test(path)) req.url = '/staff.html'
        next()
      })
    },
  }
}

/** vite-plugin-pwa links the manifest into every page; the staff page is no app to install. */
function noManifestOnStaff(): Plugin {
  return {
    name: 'anju-no-manifest-on-staff',
    enforce: 'post',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.filename.endsWith('staff.html')) return html
        return html.replace(/\s*<link rel="manifest"[^>]*>/g, '').replace(/\s*<script id="vite-plugin-pwa:register-sw"[^>]*><\/script>/g, '')
      },
    },
  }
}

export default defineConfig({
  plugins: [
    vue(),
    staffPage(),
    VitePWA({
      strategies: 'generateSW',
      // Registered by hand in src/resident/main.ts (never from the staff page),
      // without the forced page reload of registerType 'autoUpdate': a new
      // version takes over at once (skipWaiting) and shows on the next load.
      injectRegister: false,
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // public/ files are already matched by globPatterns below.
      includeAssets: [],
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: '安居 · 小区改造居民表决',
        short_name: '安居',
        description: '老旧小区改造方案公示与居民表决',
        lang: 'zh-CN',
        dir: 'ltr',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#f5f6f7',
        theme_color: '#0a5dc2',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The resident app shell; the staff page is always loaded from the network.
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        globIgnores: ['staff.html', 'assets/staff-*'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/staff(\/|$)/, /^\/healthz/, /^\/readyz/, /^\/metrics/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
        runtimeCaching: [
          {
            // The plan, the building's landing data and the household's vote:
            // fresh when online, the last answer when not.
            urlPattern: /\/api\/v1\/(me\/plan|me\/ballot|public\/buildings\/[^/?#]+)(\?[^#]*)?$/,
            method: 'GET',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'anju-api',
              networkTimeoutSeconds: 10,
              expiration: { maxEntries: 20, maxAgeSeconds: 60 * 60 * 24 * 60 },
              cacheableResponse: { statuses: [200] },
            },
          },
        ],
      },
      devOptions: { enabled: false },
    }),
    noManifestOnStaff(),
  ],
  define: {
    // vue-i18n: Composition API only, no global components, no devtools hooks.
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  build: {
    outDir: OUT_DIR,
    emptyOutDir: false,
    modulePreload: { polyfill: false },
    target: ['es2020', 'chrome87', 'safari14'],
    rolldownOptions: {
      input: {
        index: here('./index.html'),
        staff: here('./staff.html'),
      },
      output: {
        // Vue and its router and i18n are shared by both pages; Vant stays in
        // the resident chunk only. Element Plus and ECharts go to chunks whose
        // names start with "staff-", which the service worker never precaches
        // (see globIgnores above) and the resident page never loads
        // (scripts/check-bundles.mjs checks it after every build).
        codeSplitting: {
          groups: [
            { name: 'vue', priority: 4, test: /node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify)[\\/]|plugin-vue:export-helper/ },
            { name: 'shared', priority: 3, test: (id: string) => SHARED.test(id) && !STAFF_ONLY_API.test(id) && !TLOG.test(id) && !ENGLISH.test(id) },
            {
              name: 'staff-charts',
              priority: 2,
              test: /node_modules[\\/](echarts|zrender)[\\/]|src[\\/]staff[\\/]charts[\\/]/,
            },
            {
              name: 'staff-ui',
              priority: 1,
              test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|@sxzz|@vueuse|@ctrl|lodash|lodash-es|lodash-unified|async-validator|dayjs|memoize-one|normalize-wheel-es)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: API_TARGET, changeOrigin: false },
      '/healthz': { target: API_TARGET, changeOrigin: false },
    },
  },
})
