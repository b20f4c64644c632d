"""The UCI Online Retail data set: convert UCI's .xlsx workbook to the file the dbt source reads."""

from .convert import COLUMNS, ConversionError, cell_text, convert

__all__ = ["COLUMNS", "ConversionError", "cell_text", "convert"]
