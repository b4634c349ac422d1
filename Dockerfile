# Portail QF: one image for both process types (see docs/deployment.md).
#   docker build -t portail-qf .
#   docker run --env-file .env -p 3000:3000 portail-qf                     # web
#   docker run --env-file .env portail-qf npm run start:worker             # worker (heap cap: ADR 039)
#   docker run --env-file .env portail-qf npm run db:migrate               # release step

# 1. Dependencies and the Remix build (dev dependencies needed by `remix build`).
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# postinstall applies the driver patch (ADR 031).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# 2. Runtime: production dependencies (tsx runs server.ts and the worker, ADR 004), the build,
#    the sources the server and worker import, and the migrations applied at start-up.
FROM node:20-slim AS runtime
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json /app/server.ts /app/tsconfig.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/build ./build
COPY --from=build --chown=node:node /app/public ./public
COPY --from=build --chown=node:node /app/app ./app
COPY --from=build --chown=node:node /app/db ./db
COPY --from=build --chown=node:node /app/jobs ./jobs
# `npm run db:migrate` (a platform's release step) and `npm run keys:reencrypt` (key rotation): docs/deployment.md.
COPY --from=build --chown=node:node /app/scripts/migrate.ts /app/scripts/reencrypt.ts ./scripts/
# server.ts imports the demo seed, which reads the simulators' demo data (never started in production).
COPY --from=build --chown=node:node /app/simulators ./simulators
# The image's unprivileged user: the process can write nothing outside /tmp.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["npx", "tsx", "server.ts"]
