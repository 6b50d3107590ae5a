// The layering the README and docs/architecture.md describe, checked on every `pnpm lint`
// (`depcruise`, part of `pnpm test`): a breach or an import cycle fails the build.
// Paths are the files' real paths from the repository root (workspace packages resolve through
// their pnpm symlinks to `packages/…` and `apps/…`; npm packages to `node_modules/…`).

/** Code that never ships: tests, test helpers, the harness, benchmarks, browser tests, tools, tool configuration. */
const NOT_PRODUCT = [
  "\\.(test|spec)\\.tsx?$",
  "(^|/)testing(/|\\.ts$)",
  "(^|/)[^/]*fixtures\\.tsx?$",
  "^packages/harness/",
  "^bench/",
  "^e2e/",
  "^tools/",
  "^apps/[^/]+/scripts/",
  "^packages/[^/]+/scripts/",
  "^[^/]+\\.ts$",
  // build and test tool configuration (vite.config.ts runs in Node, not in the browser)
  "(^|/)(vite|vitest|playwright)\\.config\\.ts$",
];

/** An npm package, wherever pnpm put it (`node_modules/.pnpm/<id>/node_modules/<name>/…`). */
const npm = (names) => `(^|/)node_modules/(${names})(/|$)`;

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "An import cycle: modules that need each other to load, which hides the order they are built in (issue 13, item 1). Break it by moving the shared part down or passing it in.",
      from: {},
      to: { circular: true },
    },
    {
      name: "web-only-contracts-and-i18n",
      severity: "error",
      comment:
        "The panel runs in the browser and talks to the API over HTTP only: of the workspace it may import packages/contracts and packages/i18n, never server code.",
      from: { path: "^apps/web/" },
      to: {
        path: "^(apps|packages)/",
        pathNot: "^(apps/web|packages/contracts|packages/i18n)/",
      },
    },
    {
      name: "web-catalogues-on-demand",
      severity: "error",
      comment:
        "The panel imports @scripts-email/i18n/core (English) and downloads the language it shows through @scripts-email/i18n/load-catalogue; @scripts-email/i18n itself holds every catalogue, some 30 kB gzip more in the first download.",
      from: { path: "^apps/web/", pathNot: NOT_PRODUCT },
      to: { path: "^packages/i18n/src/index\\.ts$" },
    },
    {
      name: "web-no-node-builtins",
      severity: "error",
      comment: "The panel runs in the browser: no Node built-in modules outside its tests.",
      from: { path: "^apps/web/", pathNot: NOT_PRODUCT },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "web-only-its-own-libraries",
      severity: "error",
      comment:
        "The panel imports only the web libraries apps/web/package.json declares (React, react-query, zod…), never a server library reached through the workspace root.",
      from: { path: "^apps/web/", pathNot: NOT_PRODUCT },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-undeclared-dependencies",
      severity: "error",
      comment:
        "Product code imports only the npm packages its own package.json declares (one reached through the workspace root would be missing where the package is installed alone).",
      from: { pathNot: NOT_PRODUCT },
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-unresolvable",
      severity: "error",
      comment:
        "An import the checker cannot follow could hide any of the breaches above: every import must resolve to a file.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "domain-knows-no-http-or-smtp",
      severity: "error",
      comment:
        "packages/domain holds the rules and knows nothing of HTTP or SMTP: no Fastify, no smtp-server, no nodemailer transport (its MailComposer and addressparser are fine), no apps.",
      from: { path: "^packages/domain/" },
      to: {
        path: [
          "^apps/",
          npm("fastify|@fastify/[^/]+|fastify-[^/]+|smtp-server"),
          // nodemailer's entry (createTransport) and its SMTP parts, in lib/ or dist/<format>/
          "(^|/)node_modules/nodemailer/(lib|dist/[^/]+)/(nodemailer\\.js|smtp-transport|smtp-pool|smtp-connection)",
        ],
      },
    },
    {
      name: "contracts-only-zod",
      severity: "error",
      comment:
        "packages/contracts is shared with the browser and the API: it depends on zod alone.",
      from: { path: "^packages/contracts/", pathNot: NOT_PRODUCT },
      to: { pathNot: ["^packages/contracts/", npm("zod")] },
    },
    {
      name: "product-never-imports-the-harness",
      severity: "error",
      comment:
        "The test, chaos and load harness never ships: only tests, the harness itself, benchmarks, e2e and tools may import it.",
      from: { pathNot: NOT_PRODUCT },
      to: {
        path: [
          "^packages/harness/",
          "^apps/mta/src/(testing|chaos|faults)/",
          "(^|/)testing(/|\\.ts$)",
          "\\.(test|spec)\\.tsx?$",
        ],
      },
    },
    {
      name: "prisma-only-in-db-and-repositories",
      severity: "error",
      comment:
        "Only packages/db and *-repository.ts files talk to Prisma; services and routes go through them.",
      from: { pathNot: ["^packages/db/", "-repository\\.ts$"] },
      to: { path: [npm("@prisma/client"), npm("\\.prisma/client")] },
    },
  ],
  options: {
    exclude: { path: "^(apps/[^/]+/dist|e2e/test-results|data)/" },
    // Follow the repository's own files only; an npm package is a leaf.
    doNotFollow: { path: "(^|/)node_modules/" },
    // Type-only imports count too: the web importing a server type is still a breach.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["es6", "cjs"],
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    cache: { folder: "node_modules/.cache/dependency-cruiser", strategy: "content" },
  },
};
