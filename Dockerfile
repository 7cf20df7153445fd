# The same server `make run` starts, in a container. Frontend packages come from npm in a Node stage.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

FROM python:3.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend ./backend
RUN pip install --no-cache-dir ".[cluster]"  # PostgreSQL and Redis clients: the image serves as one node of several too
COPY frontend ./frontend
COPY --from=frontend /app/frontend/node_modules ./frontend/node_modules
ENV NEUROPLAY_FRONTEND_DIR=/app/frontend
EXPOSE 8000
VOLUME ["/data"]
CMD ["python", "-m", "neuroplay", "serve", "--host", "0.0.0.0", "--port", "8000", "--data-dir", "/data"]
