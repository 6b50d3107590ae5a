import path from "node:path";
import { defineConfig } from "vite";

// the API the dev server forwards to; `pnpm start` listens there by default
const api = process.env.API_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  root: import.meta.dirname,
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: path.resolve(import.meta.dirname, "dist"),
    emptyOutDir: true,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-query's "use client" markers mean nothing outside server components
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: {
      "/api": api,
      "/health": api,
      "/metrics": api,
    },
  },
});
