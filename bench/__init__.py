"""Performance benchmarks of the market-data pipeline: ``python -m bench [name ...]``.

Each benchmark times the application code against a raw-psycopg baseline measured in the
same run, on a throw-away PostgreSQL database whose name must contain "bench".
"""
