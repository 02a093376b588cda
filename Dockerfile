# Build stage: compile TypeScript with the dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# npm run build also trains the intent model (dist/model/) on intents/.
COPY intents ./intents
RUN npm run build

# Runtime stage: production dependencies, compiled code and the intent data only.
FROM node:20-bookworm-slim
ENV NODE_ENV=production DOTENV_CONFIG_QUIET=true PORT=3000
WORKDIR /app
# .npmrc carries legacy-peer-deps, which keeps the lockfile installable (see README).
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY intents ./intents
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# node as PID 1 gets SIGTERM directly: the app stops accepting, finishes requests and exits 0.
CMD ["node", "dist/index.js"]
