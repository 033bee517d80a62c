from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark and scoring commands (`manage.py bench`, `score_parser`…). Installed so that
    manage.py finds them; no production module imports this package (pyproject.toml)."""

    name = "clinic.bench"
    label = "clinic_bench"
    verbose_name = "Benchmarks"
