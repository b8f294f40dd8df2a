# The kb HTTP API. Built by docker-compose.yml; on its own:
#   docker build -t kb . && docker run -e KB_STORE=neo4j://neo4j@host:7687 -e NEO4J_PASSWORD=… -p 8000:8000 kb
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kb ./kb
COPY loaders ./loaders
COPY queries ./queries
COPY api ./api
COPY viz ./viz
RUN pip install --no-cache-dir ".[api,viz]"
EXPOSE 8000
CMD ["kb", "serve", "--host", "0.0.0.0", "--port", "8000"]
