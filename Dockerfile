# paper-tiger in a container:
#   docker build -t paper-tiger .
#   docker run --rm -p 12111:12111 paper-tiger
# Every flag is also an environment variable (docker run -e PAPER_TIGER_CLOCK=manual ...).

# Build: every dependency, TypeScript compiled to dist/.
FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's own prepare (the build) runs below, once the sources are in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY dashboard ./dashboard
RUN npm run build

# Run: production dependencies and the compiled server, as an unprivileged user.
FROM node:20-slim
ENV NODE_ENV=production \
    PAPER_TIGER_HOST=0.0.0.0 \
    PAPER_TIGER_PORT=12111
WORKDIR /app
COPY package.json package-lock.json LICENSE README.md ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The sources the source maps in dist/ point at.
COPY --from=build /app/src ./src
USER node
EXPOSE 12111
# The slim image has no curl: Node's own fetch asks /health.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PAPER_TIGER_PORT || 12111) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/cli.js"]
