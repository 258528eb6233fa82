FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.txt .
# PyPI's torch wheel for Linux carries CUDA, so the same image serves the GPU training worker.
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
# The image runs with production settings; static files are collected (hashed, compressed) into it once.
ENV DEBUG=0
RUN SECRET_KEY=collectstatic-only-not-used-at-runtime python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000"]
