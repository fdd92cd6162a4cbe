import react from "@vitejs/plugin-react";
import { defaultClientConditions, defaultServerConditions, defineConfig } from "vite";

// The API the dev server and `vite preview` forward to: /graphql, /auth (dev tokens) and /media
// (the embedded store's temporary URLs) stay same-origin for the browser.
const apiTarget = process.env.PARLEY_API_URL ?? "http://127.0.0.1:4000";
// /graphql also carries the live events' WebSocket (graphql-ws), hence `ws`.
const proxy = Object.fromEntries(
  ["/graphql", "/auth", "/media", "/healthz", "/readyz"].map((path) => [
    path,
    { target: apiTarget, changeOrigin: false, ws: path === "/graphql" },
  ]),
);

export default defineConfig(({ command }) => ({
  plugins: [react()],
  // @parley/client from the workspace is its TypeScript source (partners get dist/).
  resolve: { conditions: ["@parley/source", ...defaultClientConditions] },
  ssr: { resolve: { conditions: ["@parley/source", ...defaultServerConditions] } },
  // In development the embedded store's temporary URLs name the API's own origin (PUBLIC_URL
  // defaults to it); the app sends them through this server's /media proxy to stay same-origin.
  define: { __PARLEY_DEV_API_ORIGIN__: JSON.stringify(command === "serve" ? new URL(apiTarget).origin : null) },
  server: { host: "127.0.0.1", port: Number(process.env.PARLEY_WEB_PORT ?? 5173), proxy },
  preview: { host: "127.0.0.1", port: Number(process.env.PARLEY_WEB_PORT ?? 4173), proxy },
  build: { target: "es2022", sourcemap: true },
}));
