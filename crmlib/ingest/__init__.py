"""Data in: settings, reading, parsing, cleaning, area names, the parquet cache, city-month selection."""
