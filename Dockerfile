# facerec: multi-stage build of the Next.js standalone output (the same commands as the README).
# Model weights come from npm packages and are converted to ONNX during `npm run build`; the
# image carries the converted models and onnxruntime-node's CPU library for linux x64/arm64
# only (scripts/postbuild.mjs). Nothing is downloaded at run time; .npmrc stops
# onnxruntime-node's install script from fetching a CUDA provider.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Toolchain for the native addons (better-sqlite3, hnswlib-node) built by npm ci.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
# ONNXRUNTIME_NODE_INSTALL=skip says what .npmrc says, for npm versions that stop passing
# unknown .npmrc keys to install scripts.
ENV NEXT_TELEMETRY_DISABLED=1 ONNXRUNTIME_NODE_INSTALL=skip
COPY package.json package-lock.json .npmrc ./
RUN npm ci
COPY . .
RUN npm run build

FROM node:20-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=8080 HOSTNAME=0.0.0.0 FACEREC_DATA_DIR=/data
# .next/standalone holds the server, its node_modules, the inference worker, the ONNX models and runtime.
COPY --from=build --chown=node:node /app/.next/standalone ./
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/v1/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
