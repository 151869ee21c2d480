FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
# The whole tree: the build also compiles bench/, whose replay bench generates its history with
# test/unit/read-models/history.ts. Only dist/ and the production node_modules reach the image.
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY package.json ./
COPY bin bin
RUN mkdir -p /var/lib/ledger && chown node:node /var/lib/ledger
USER node
EXPOSE 3000
CMD ["node", "dist/src/main.js"]
