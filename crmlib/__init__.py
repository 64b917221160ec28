"""crmlib: cleaning, metrics and report building for CRM complaint reports."""

__version__ = "0.1.0"
