# Anju: a multi-stage build — the web app with Node, a static Go binary, and a
# small runtime image that runs as a non-root user.

FROM node:20-bookworm-slim AS web
WORKDIR /src
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund
COPY web/ web/
RUN mkdir -p server/webui/app && cd web && npm run build

FROM golang:1.26-bookworm AS server
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/server/webui/app/ server/webui/app/
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X anju/server/app.Version=${VERSION}" -o /out/anju ./server \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=server /out/anju /app/anju
COPY configs/ /app/configs/
COPY --from=server --chown=65532:65532 /out/data /data
ENV ANJU_HTTP_ADDR=0.0.0.0:8080 \
    ANJU_DATABASE_URL=/data/anju.db
VOLUME ["/data"]
EXPOSE 8080
USER nonroot:nonroot
ENTRYPOINT ["/app/anju"]
CMD ["serve"]
